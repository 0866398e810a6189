import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../support";

/** The first fenced block of `lang` in README's "From other languages" section (the examples the SDK tests check). */
export function readmeSnippet(lang: string): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### From other languages"));
    const m = section.match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"));
    if (!m) throw new Error(`README: no ${lang} block in "From other languages"`);
    return m[1];
}
