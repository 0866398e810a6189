// Builds the policy pack (policy-pack/bin) after the library (dist/). In this repository the pack resolves its
// dependency `pulumi-kubefed` to the checkout itself: policy-pack/node_modules/pulumi-kubefed links to the root
// (whose package.json `exports` maps pulumi-kubefed/core to dist/src/core), the way an install would provide it;
// @pulumi/policy and @pulumi/pulumi come from the root node_modules. Installed from its tarball the pack gets all
// three from npm (see policy-pack/README.md).
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const pack = path.join(root, "policy-pack");
const link = path.join(pack, "node_modules", "pulumi-kubefed");
fs.mkdirSync(path.dirname(link), { recursive: true });
let current;
try { current = fs.readlinkSync(link); } catch { current = undefined; }
if (current !== "../..") {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync("../..", link, "dir");
}
fs.rmSync(path.join(pack, "bin"), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(pack, "tsconfig.json")], { stdio: "inherit" });
