import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { decodeObjects } from "../../src/member/objectsCodec";
import { Fleet, ROOT, exampleStack, linkDependencies, managedObjects, requireTestbed, startFleet, stopFleet } from "../support";

// A program that fails halfway must not shrink what each member's read-back tracks: the read-back would then treat
// the objects declared after the failure as gone and, in orphan mode, unlabel them while they are still federated.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<{ name: string; context: string }[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context }));
const cm = (name: string) => new kubefed.FederatedResource(name, {
    clusters, placement: { clusterSelector: {} }, orphanOnDelete: true,
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data: { k: "v" } },
});
cm("first");
if (cfg.getBoolean("crash")) throw new Error("the program fails halfway");
cm("second");
`;

describe("e2e: a program that fails halfway", function () {
    let fleet: Fleet | undefined;
    let dir: string;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-failure-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: kubefed-failure\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n" +
            "config:\n  pulumi:disable-default-providers:\n    value:\n      - kubernetes\n");
        fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
        fs.copyFileSync(path.join(ROOT, "examples", "quickstart", "tsconfig.json"), path.join(dir, "tsconfig.json"));
        linkDependencies(dir);
        fs.symlinkSync(ROOT, path.join(dir, "node_modules", "pulumi-kubefed"));
        fleet = await startFleet("failure", 2);
        ({ stack } = await exampleStack("failure", "e2e", fleet, {}, { workDir: dir }));
    });
    after(async () => {
        await stopFleet(fleet);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("fails with the program's error, leaves every object federated, and the read-backs unchanged", async () => {
        await stack.up();
        for (const c of ["c1", "c2"]) assert.deepEqual(await managedObjects(fleet!, c), ["ConfigMap default/first", "ConfigMap default/second"]);
        const tracked = async (): Promise<string[][]> => {
            const state = await stack.exportStack();
            return state.deployment.resources.filter((r: any) => r.type === "pulumi-nodejs:dynamic/kubefed:MemberReadBack")
                .map((r: any) => Object.keys(decodeObjects(r.outputs.objects) as object).sort());
        };
        assert.deepEqual(await tracked(), [["first", "second"], ["first", "second"]]);

        await stack.setConfig("crash", { value: "true" });
        await assert.rejects(stack.up(), /the program fails halfway/);
        for (const c of ["c1", "c2"]) {
            assert.deepEqual(await managedObjects(fleet!, c), ["ConfigMap default/first", "ConfigMap default/second"], `${c} keeps both labelled`);
        }
        assert.deepEqual(await tracked(), [["first", "second"], ["first", "second"]], "the read-backs still track both");

        await stack.removeConfig("crash");
        await stack.preview({ expectNoChanges: true });
        await stack.destroy();
        for (const c of ["c1", "c2"]) assert.deepEqual(await managedObjects(fleet!, c), [], `${c}: orphaned on destroy`);
    });
});
