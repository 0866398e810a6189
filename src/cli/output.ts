/**
 * `-o table|wide|json|yaml` for every subcommand, and the machine-readable renderings. JSON keeps the shape each
 * command has always printed; YAML is the same data. Both escape the characters a terminal would act on that JSON
 * itself leaves raw (C1 controls such as U+009B, DEL, bidirectional overrides), so `-o json` on a terminal is as safe
 * as the table while parsing back to the very same values.
 */
import * as YAML from "yaml";

/** The output formats. `wide` is the table with the columns it leaves out (full messages, reasons, paths). */
export type OutputFormat = "table" | "wide" | "json" | "yaml";

const FORMATS: OutputFormat[] = ["table", "wide", "json", "yaml"];

/** Reads an `-o` value; throws a usage message naming the formats. */
export function parseOutputFormat(v: string | undefined, flag = "--output"): OutputFormat {
    if (v === undefined) return "table";
    if (!(FORMATS as string[]).includes(v)) throw new Error(`${flag}: unknown format "${v}"; use ${FORMATS.join(", ")}`);
    return v as OutputFormat;
}

// Characters JSON.stringify and YAML plain scalars leave raw but terminals interpret.
const RAW_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const u = (c: string): string => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/** `data` as indented JSON, or YAML, ending with a newline; only for `json` and `yaml`. */
export function renderData(format: "json" | "yaml", data: unknown): string {
    if (format === "json") return `${JSON.stringify(data, null, 2).replace(RAW_UNSAFE, u)}\n`;
    const doc = new YAML.Document(data);
    // Such characters may only appear escaped, and only double-quoted scalars have escapes: quote those scalars.
    YAML.visit(doc, {
        Scalar(_key, node) {
            if (typeof node.value === "string" && new RegExp(RAW_UNSAFE.source).test(node.value)) node.type = "QUOTE_DOUBLE";
        },
    });
    return doc.toString({ lineWidth: 0 }).replace(RAW_UNSAFE, u);
}
