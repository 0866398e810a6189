/** Scratch directories of a test process, removed when it exits. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];

/**
 * A new directory under the system's temporary directory (`<prefix>XXXXXX`), removed when this process exits, so a
 * run of the suite leaves no state backends behind. KUBEFED_KEEP_SCRATCH=1 keeps them to look at a failure.
 */
export function scratchDir(prefix: string): string {
    if (made.length === 0 && !process.env.KUBEFED_KEEP_SCRATCH) {
        process.once("exit", () => {
            for (const d of made) {
                try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort: the process is ending */ }
            }
        });
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
}
