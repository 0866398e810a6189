import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readmeSnippet } from "./readme";
import { needs, packageSchema, requireTestbed, runTool as run, sdkGenerator } from "../support";

// The component package's Python SDK: the schema the real CLI infers from plugin/, the SDK written by Pulumi's
// Python generator (testbed/golang/gen-sdk), byte-compiled; and the README's Python example compiled and
// checked against that SDK (every `kubefed.X(...)` names a class of the SDK and only keywords its constructor takes,
// every `kubefed.Enum.MEMBER` exists). The Pulumi Python SDK itself is not installed here, so nothing is imported
// or run: this proves the generated code and the README agree with the schema, not a deployment from Python.

// Collects the SDK's classes (constructor parameter names, enum members) and checks a program's uses of `kubefed.`.
const CHECKER = `
import ast, json, os, sys
sdk, program = sys.argv[1], sys.argv[2]
params, members = {}, {}
for f in os.listdir(sdk):
    if not f.endswith(".py"):
        continue
    for node in ast.walk(ast.parse(open(os.path.join(sdk, f)).read())):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    a = item.args
                    params.setdefault(node.name, set()).update(x.arg for x in a.posonlyargs + a.args + a.kwonlyargs)
                if isinstance(item, ast.Assign):
                    members.setdefault(node.name, set()).update(t.id for t in item.targets if isinstance(t, ast.Name))
tree = ast.parse(open(program).read())
imports = [n.names[0] for n in ast.walk(tree) if isinstance(n, ast.Import)]
problems, checked = [], []
if not any(a.name == "pulumi_kubefed" and a.asname == "kubefed" for a in imports):
    problems.append("the program does not import pulumi_kubefed as kubefed")
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) and n.func.value.id == "kubefed":
        cls = n.func.attr
        checked.append(cls)
        if cls not in params:
            problems.append("kubefed.%s is not a class of the SDK" % cls)
            continue
        for k in n.keywords:
            if k.arg not in params[cls]:
                problems.append("kubefed.%s has no parameter %s" % (cls, k.arg))
    if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Attribute) and isinstance(n.value.value, ast.Name) and n.value.value.id == "kubefed":
        checked.append(n.value.attr + "." + n.attr)
        if n.attr not in members.get(n.value.attr, set()):
            problems.append("kubefed.%s has no member %s" % (n.value.attr, n.attr))
print(json.dumps({"checked": sorted(set(checked)), "problems": problems}))
`;

describe("e2e: the component package's Python SDK compiles, and the README's Python example fits it", function () {
    let dir: string;
    before(function () {
        requireTestbed(this);
        needs(this, spawnSync("python3", ["--version"]).status !== 0 && "python3 is not installed (the Python SDK is byte-compiled with it)");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-pysdk-"));
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it("get-schema → Python SDK → py_compile; the README example compiles and uses only what the SDK has", () => {
        const schema = packageSchema(dir);
        fs.writeFileSync(path.join(dir, "schema.json"), schema);

        const out = path.join(dir, "sdk");
        run(sdkGenerator(), ["python", path.join(dir, "schema.json"), out], dir);
        const pkgDir = path.join(out, "pulumi_kubefed");
        const modules = fs.readdirSync(pkgDir).filter(f => f.endsWith(".py"));
        // one module per component of the schema
        for (const r of Object.keys(JSON.parse(schema).resources)) {
            const snake = r.split(":")[2].replace(/DNS/g, "Dns").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
            assert.ok(modules.includes(`${snake}.py`), `${snake}.py missing from ${modules.join(", ")}`);
        }
        run("python3", ["-m", "py_compile", ...modules.map(m => path.join(pkgDir, m))], dir, process.env);

        const program = path.join(dir, "__main__.py");
        fs.writeFileSync(program, readmeSnippet("python"));
        run("python3", ["-m", "py_compile", program], dir, process.env);
        const checker = path.join(dir, "check.py");
        fs.writeFileSync(checker, CHECKER);
        const report = JSON.parse(run("python3", [checker, pkgDir, program], dir, process.env)) as { checked: string[]; problems: string[] };
        assert.deepEqual(report.problems, []);
        // the example shows members, a federated object with a placement, and a DNS record with a static map
        for (const c of ["MemberCluster", "FederatedResource", "PlacementArgs", "Domain", "ServiceDNSRecord", "HostnameResolution.STATIC"]) {
            assert.ok(report.checked.includes(c), `the README example does not use kubefed.${c}: ${report.checked.join(", ")}`);
        }
    });
});
