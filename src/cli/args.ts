/** Walks command-line flags (`--flag value`, `--flag=value`, `-f value`), handing each to `on` with a reader for its
 *  value; a missing value is a usage error naming the flag. */
export function eachFlag(argv: string[], on: (flag: string, value: () => string, arg: string) => void): void {
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        on(flag, () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
            return v;
        }, a);
    }
}
