/**
 * Flag parsing for every subcommand, on Node's `util.parseArgs`, with kubectl's conventions: `--flag value`,
 * `--flag=value`, `-f value`, `-fvalue` and `-f=value`; repeatable list flags also take `a,b`; `-h`/`--help` on every
 * subcommand. Errors are usage messages naming the flag (the caller prints them with the usage and exits 2).
 */
import { parseArgs } from "util";

/** One flag: a string (value) or boolean (switch), with an optional one-letter alias. `list` flags repeat and split
 *  on commas. */
export interface FlagDef {
    type: "string" | "boolean";
    short?: string;
    list?: boolean;
}

/** Values of the flags given (list flags as arrays), and the positional arguments. */
export interface ParsedFlags {
    values: Record<string, string | boolean | string[] | undefined>;
    positionals: string[];
}

/**
 * Parses `argv` against `flags` (plus `help`/`-h`). Unknown flags, positionals when `positionals` is false, a missing
 * or empty value and a value given to a switch are errors. Parsed non-strictly so that the messages are ours, and a
 * value that looks like a flag (`--stack --check`) is refused rather than taken.
 */
export function parseFlags(argv: string[], flags: Record<string, FlagDef>, positionals = false): ParsedFlags {
    const defs: Record<string, FlagDef> = { help: { type: "boolean", short: "h" }, ...flags };
    const shorts = new Map(Object.entries(defs).filter(([, d]) => d.short).map(([n, d]) => [d.short!, n]));
    // parseArgs reads `-o=yaml` as the value "=yaml"; kubectl users write it, so drop the "=" first.
    const dd = argv.indexOf("--");
    const args = argv.map((a, i) => {
        const m = /^-([A-Za-z])=(.*)$/s.exec(a);
        return (dd < 0 || i < dd) && m && defs[shorts.get(m[1]) ?? ""]?.type === "string" ? `-${m[1]}${m[2]}` : a;
    });
    const options = Object.fromEntries(Object.entries(defs).map(([n, d]) => [n, { type: d.type, ...(d.short ? { short: d.short } : {}) }]));
    const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
    const values: ParsedFlags["values"] = {};
    const pos: string[] = [];
    for (const t of tokens) {
        if (t.kind === "option-terminator") continue;
        if (t.kind === "positional") {
            if (!positionals) throw new Error(`unknown argument: ${t.value}`);
            pos.push(t.value);
            continue;
        }
        const def = Object.hasOwn(defs, t.name) ? defs[t.name] : undefined;
        if (!def) throw new Error(`unknown argument: ${t.rawName}`);
        if (def.type === "boolean") {
            if (t.value !== undefined) throw new Error(`${t.rawName} takes no value`);
            values[t.name] = true;
            continue;
        }
        if (t.value === undefined || t.value === "" || (!t.inlineValue && t.value.length > 1 && t.value.startsWith("-"))) {
            throw new Error(`${t.rawName} needs a value`);
        }
        if (def.list) {
            const parts = t.value.split(",").map((s) => s.trim());
            if (parts.some((p) => !p)) throw new Error(`${t.rawName}: empty name in "${t.value}"`);
            values[t.name] = [...((values[t.name] as string[] | undefined) ?? []), ...parts];
        } else values[t.name] = t.value;
    }
    return { values, positionals: pos };
}
