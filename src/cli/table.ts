/**
 * The one text-table renderer of the CLI (status, plan, shards), and what makes text from a checkpoint or a preview
 * safe to print: cluster names, object names and messages come from state that anyone with write access to a
 * member or the stack can shape, so control characters are escaped before they reach a terminal.
 *
 * Columns are aligned by display width, as a terminal draws them: East Asian wide characters and emoji take 2
 * columns, combining marks and zero-width format characters 0.
 */

/** SGR colour sequences (`ESC [ … m`): noise from pulumi's own output, dropped rather than shown escaped. */
const SGR = /\u001b\[[0-9;]*m/g;
/** C0 and C1 controls, DEL, and the bidirectional overrides/isolates (which reorder what is shown after them). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
    const n = c.codePointAt(0)!;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
}

/** Text safe for a terminal: colour sequences dropped, every other control character shown escaped (`\x1b`); line
 *  breaks are kept when `keepNewlines`, else (table cells) become spaces, like tabs. */
export function terminalSafe(s: string, keepNewlines = false): string {
    return s.replace(SGR, "").replace(UNSAFE, (c) => {
        if (c === "\n") return keepNewlines ? c : " ";
        if (c === "\t" || c === "\r") return keepNewlines && c === "\r" ? "" : " ";
        return escapeChar(c);
    });
}

// Wide (W) and fullwidth (F) blocks of Unicode's East Asian Width property that are not emoji (emoji are matched by
// their Emoji_Presentation property below): Hangul Jamo, CJK radicals to Yi, Hangul syllables, compatibility
// ideographs, vertical and fullwidth forms, Tangut, Kana supplements, and the supplementary ideographic planes.
const WIDE: [number, number][] = [
    [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
    [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60],
    [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x17000, 0x18aff], [0x1b000, 0x1b2ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];
const ZERO = /^[\p{M}\p{Cf}]/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

function isWide(cp: number): boolean {
    for (const [a, b] of WIDE) if (cp >= a && cp <= b) return true;
    return false;
}

/** Columns a terminal uses for `s` (one line, controls already escaped): per grapheme cluster 0, 1 or 2, so a
 *  base character with combining marks, or an emoji sequence joined by ZWJ, counts once. */
export function displayWidth(s: string): number {
    let w = 0;
    for (const { segment } of segmenter.segment(s)) {
        const cp = segment.codePointAt(0)!;
        if (cp < 0x7f) w += cp >= 0x20 ? 1 : 0;
        else if (ZERO.test(segment)) w += 0;
        else w += EMOJI.test(segment) || isWide(cp) ? 2 : 1;
    }
    return w;
}

/** `s` cut to at most `max` columns, ending with `…` when cut. */
export function truncate(s: string, max: number): string {
    if (displayWidth(s) <= max) return s;
    let out = "";
    let w = 0;
    for (const { segment } of segmenter.segment(s)) {
        const sw = displayWidth(segment);
        if (w + sw > max - 1) break;
        out += segment;
        w += sw;
    }
    return `${out}…`;
}

/** Rows (the first is the header) as aligned columns two spaces apart; every cell made terminal-safe first. */
export function renderTable(rows: string[][]): string {
    const safe = rows.map((r) => r.map((c) => terminalSafe(c)));
    const widths: number[] = [];
    for (const r of safe) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
    return safe.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i] - displayWidth(c)))).join("  ").trimEnd())
        .join("\n");
}
