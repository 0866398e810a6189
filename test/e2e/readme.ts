import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../support";

/** The first fenced block of `lang` in the "From other languages" section of docs/other-languages.md (the examples
 *  the SDK tests check). */
export function readmeSnippet(lang: string): string {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "other-languages.md"), "utf8");
    const at = doc.indexOf("## From other languages");
    if (at < 0) throw new Error(`docs/other-languages.md: no "From other languages" section`);
    const section = doc.slice(at);
    const m = section.match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"));
    if (!m) throw new Error(`docs/other-languages.md: no ${lang} block in "From other languages"`);
    return m[1];
}
