import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

/** Debian's headless Chromium, if installed (scripts/test-all.sh installs it when missing). */
export function chromiumPath(): string | undefined {
    for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) if (fs.existsSync(p)) return p;
    return undefined;
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1200,800"];

function chromium(args: string[]): { stdout: string; stderr: string } {
    const exe = chromiumPath();
    if (!exe) throw new Error("chromium is not installed (apt-get install chromium)");
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-chromium-"));
    try {
        const r = spawnSync(exe, [...FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: "utf8", timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
        if (r.error) throw r.error;
        if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr}`);
        return { stdout: r.stdout, stderr: r.stderr };
    } finally {
        fs.rmSync(profile, { recursive: true, force: true });
    }
}

/** The DOM after load (scripts run), as Chromium serialises it. */
export function dumpDom(file: string): string {
    return chromium(["--dump-dom", `file://${file}`]).stdout;
}

/** A PNG screenshot of the page at 1200×800, device scale 1. */
export function screenshot(file: string, png: string): void {
    chromium([`--screenshot=${png}`, `file://${file}`]);
    if (!fs.existsSync(png)) throw new Error(`chromium wrote no screenshot to ${png}`);
}

/** A decoded RGBA image. */
export interface Image { width: number; height: number; pixel(x: number, y: number): [number, number, number] }

/** Minimal PNG decoder (8-bit RGB/RGBA, non-interlaced, as Chromium writes them): enough to sample pixels. */
export function decodePng(buf: Buffer): Image {
    if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
    let off = 8, width = 0, height = 0, colourType = 0;
    const idat: Buffer[] = [];
    while (off < buf.length) {
        const len = buf.readUInt32BE(off);
        const type = buf.toString("ascii", off + 4, off + 8);
        const data = buf.subarray(off + 8, off + 8 + len);
        if (type === "IHDR") {
            width = data.readUInt32BE(0); height = data.readUInt32BE(4);
            const depth = data[8]; colourType = data[9];
            if (depth !== 8 || (colourType !== 2 && colourType !== 6) || data[12] !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour ${colourType})`);
        } else if (type === "IDAT") idat.push(data);
        off += 12 + len;
    }
    const bpp = colourType === 6 ? 4 : 3;
    const raw = zlib.inflateSync(Buffer.concat(idat));
    const stride = width * bpp;
    const out = Buffer.alloc(height * stride);
    for (let y = 0; y < height; y++) {
        const f = raw[y * (stride + 1)];
        const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        for (let x = 0; x < stride; x++) {
            const a = x >= bpp ? out[y * stride + x - bpp] : 0;
            const b = y > 0 ? out[(y - 1) * stride + x] : 0;
            const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
            let v = line[x];
            if (f === 1) v += a;
            else if (f === 2) v += b;
            else if (f === 3) v += (a + b) >> 1;
            else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
            out[y * stride + x] = v & 0xff;
        }
    }
    return { width, height, pixel: (x, y) => { const i = y * stride + x * bpp; return [out[i], out[i + 1], out[i + 2]]; } };
}

/** `#rrggbb` → [r, g, b]. */
export function rgb(hex: string): [number, number, number] {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Where each status cell of the page is laid out, measured by Chromium itself: a copy of the page with a
 *  small script that writes the cells' boxes into the DOM, read back with --dump-dom. Same window size and scale
 *  as the screenshot, so the boxes match its pixels. */
export function cellBoxes(htmlFile: string): { object: string; cluster: string; status: string; cls: string; x: number; y: number; w: number; h: number }[] {
    const probe = htmlFile.replace(/\.html$/, "") + ".probe.html";
    const script = `<script>addEventListener("load",()=>{const r=[...document.querySelectorAll("td.cell")].map(e=>{const b=e.getBoundingClientRect();` +
        `return{object:e.dataset.object,cluster:e.dataset.cluster,status:e.dataset.status,cls:e.className,x:b.left,y:b.top,w:b.width,h:b.height}});` +
        `const p=document.createElement("pre");p.id="boxes";p.textContent=JSON.stringify(r);document.body.appendChild(p);});</script>`;
    fs.writeFileSync(probe, fs.readFileSync(htmlFile, "utf8").replace("</body>", `${script}</body>`));
    const dom = dumpDom(probe);
    const m = /<pre id="boxes">([\s\S]*?)<\/pre>/.exec(dom);
    if (!m) throw new Error("no boxes in the dumped DOM");
    return JSON.parse(m[1].replace(/&quot;/g, "\"").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
}
