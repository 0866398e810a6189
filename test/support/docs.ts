/**
 * The fenced code blocks of README.md and docs/*.md, with the marker comment on the line before each
 * (`<!-- run by test/e2e/FILE.test.ts -->` or `<!-- illustrative: why -->`; docs/testing.md, "Code samples").
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./testbed";

/** A fenced block: its language, text, the file and line it starts on, and the marker comment before it. */
export interface Block { lang: string; code: string; file: string; line: number; marker?: string }

/** README.md and every docs/*.md, relative to the repository root. */
export function docFiles(): string[] {
    return ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter(f => f.endsWith(".md")).sort().map(f => `docs/${f}`)];
}

/** The fenced blocks of `file` (relative to the repository root), in order. */
export function fencedBlocks(file: string): Block[] {
    const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
    const out: Block[] = [];
    for (let i = 0; i < lines.length; i++) {
        const open = /^```(\w*)\s*$/.exec(lines[i]);
        if (!open) continue;
        const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
        if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
        const prev = i > 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[i - 1].trim()) : null;
        out.push({ lang: open[1], code: lines.slice(i + 1, end).join("\n"), file, line: i + 1, ...(prev ? { marker: prev[1] } : {}) });
        i = end;
    }
    return out;
}
