import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

// No import circle anywhere in src (issue #21): a newcomer reads a module after the modules it imports, never
// around a loop. Every relative import counts: value, type-only, re-export and dynamic `import()`.

const SRC = path.resolve(__dirname, "../../../src");

/** Known circles still being untangled, each as its sorted member files, with why it is allowed for now. Empty
 *  is the goal; an entry that no longer matches a circle fails too, so the list cannot go stale. */
const KNOWN: { files: string[]; why: string }[] = [];

/** Every .ts file under `dir`, relative to SRC. */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return sources(p);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.relative(SRC, p)] : [];
    });
}

/** The src files `file` imports (relative specifiers resolved to a .ts file or a folder's index.ts). */
function importsOf(file: string, text: string, exists: (f: string) => boolean): string[] {
    const info = ts.preProcessFile(text, true, true);
    const out = new Set<string>();
    for (const i of info.importedFiles) {
        if (!i.fileName.startsWith(".")) continue;
        const base = path.join(path.dirname(file), i.fileName);
        const hit = [`${base}.ts`, path.join(base, "index.ts")].find(exists);
        if (hit) out.add(hit);
    }
    return [...out].sort();
}

/** The strongly connected components of more than one file (or a file importing itself), each sorted. */
function circles(graph: Map<string, string[]>): string[][] {
    let next = 0;
    const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
    const out: string[][] = [];
    const visit = (v: string): void => {
        index.set(v, next); low.set(v, next); next++;
        stack.push(v); onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
            else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) !== index.get(v)) return;
        const scc: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
        if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    };
    for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
    return out.sort((a, b) => a[0].localeCompare(b[0]));
}

describe("import circles", () => {
    it("finds a circle, including one closed by a type-only or dynamic import (the checker itself)", () => {
        const files: Record<string, string> = {
            "a.ts": `import { b } from "./b";`,
            "b.ts": `import type { C } from "./c";`,
            "c.ts": `export const f = () => import("./a");`,
            "d.ts": `import { a } from "./a"; export * from "./e";`,
            "e/index.ts": `export const e = 1;`,
        };
        const graph = new Map(Object.keys(files).map(f => [f, importsOf(f, files[f], x => x in files)]));
        assert.deepEqual(graph.get("d.ts"), ["a.ts", "e/index.ts"]);
        assert.deepEqual(circles(graph), [["a.ts", "b.ts", "c.ts"]]);
        graph.set("c.ts", []);
        assert.deepEqual(circles(graph), []);
    });

    it("src has none (known ones are listed with why)", () => {
        const graph = new Map<string, string[]>();
        for (const f of sources(SRC)) {
            graph.set(f, importsOf(f, fs.readFileSync(path.join(SRC, f), "utf8"), x => fs.existsSync(path.join(SRC, x))));
        }
        assert.ok(graph.size > 50, `read ${graph.size} files under ${SRC}`);
        const found = circles(graph);
        const key = (files: string[]) => files.join(" ↔ ");
        const known = new Set(KNOWN.map(k => key(k.files)));
        assert.deepEqual(found.map(key).filter(c => !known.has(c)), [], "import circles in src (break them: shared types go to a module both import)");
        assert.deepEqual([...known].filter(k => !found.map(key).includes(k)), [], "KNOWN lists a circle that is gone: remove it");
    });
});
