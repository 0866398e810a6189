import { strict as assert } from "assert";
import * as fs from "fs";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, filesUnder, getObject, plannedSteps, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 10, end to end: examples/outputs passes an image tag read from another resource and a password from a
// config secret into a federated Deployment and a federated Secret (and the password into one member's
// override). Values are read back from the member API servers; the state folder is scanned for the password.
describe("e2e: Outputs and secrets in federated templates", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;
    const PASSWORD = "pw-e2e-7f3c9d1a-unguessable";

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("outputs", 2);
        ({ stack, backend } = await exampleStack("outputs", "e2e", fleet, { imageTag: "1.27" }));
        await stack.setConfig("dbPassword", { value: PASSWORD, secret: true });
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally { await stopFleet(fleet); }
    });

    const f = () => fleet!;

    it("preview shows the decision, the Output-derived values as computed, and never the password", async () => {
        const { steps, stdout } = await plannedSteps(stack);
        for (const s of ["create web-c1", "create web-c2", "create db-credentials-c1", "create db-credentials-c2"]) {
            assert.ok(steps.includes(s), `${s} missing from ${steps.join(", ")}`);
        }
        assert.match(stdout, /decision/);
        assert.match(stdout, /outputPaths/);
        // The build stamp is only known once it exists: computed in the member objects' diff.
        assert.match(stdout, /example\.com\/build-stamp\s*:\s*(output<string>|\[unknown\])/,
            stdout.split("\n").filter(l => /build-stamp|output</.test(l)).join("\n"));
        assert.ok(!stdout.includes(PASSWORD), "the password is not printed");
        assert.ok(!stdout.includes("Calling [toJSON]"));
    });

    it("up lands the resolved values in every placed member", async () => {
        await stack.up();
        for (const c of ["c1", "c2"]) {
            const d = await getObject(f(), c, "apps/v1", "Deployment", "shop", "web");
            assert.ok(d, `web in ${c}`);
            const container = d.spec.template.spec.containers[0];
            assert.equal(container.image, "nginx:1.27", c);
            assert.equal(d.spec.template.metadata.annotations["example.com/build-stamp"], "build-1.27-stamped");
            const s = await getObject(f(), c, "v1", "Secret", "shop", "db-credentials");
            assert.equal(Buffer.from(s.data.password, "base64").toString(), PASSWORD, c);
        }
        const c2 = (await getObject(f(), "c2", "apps/v1", "Deployment", "shop", "web")).spec.template.spec.containers[0];
        assert.deepEqual(c2.env.find((e: any) => e.name === "EXTRA_PASSWORD"), { name: "EXTRA_PASSWORD", value: PASSWORD });
        const c1 = (await getObject(f(), "c1", "apps/v1", "Deployment", "shop", "web")).spec.template.spec.containers[0];
        assert.equal(c1.env.find((e: any) => e.name === "EXTRA_PASSWORD"), undefined, "the override is for c2 only");
    });

    it("the password appears in plain text (or base64) nowhere in the backend folder", async () => {
        const forms = [PASSWORD, Buffer.from(PASSWORD).toString("base64")];
        const files = filesUnder(backend);
        assert.ok(files.some(p => p.endsWith(".json")), "the backend holds state");
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const s of forms) assert.ok(!text.includes(s), `${file} contains the password (${s === PASSWORD ? "plain" : "base64"})`);
            assert.ok(!text.includes("Calling [toJSON]"), `${file} holds Pulumi's toJSON error text`);
        }
        // The exported (decrypted) state holds it only inside secret markers.
        const plainOutsideSecrets = (v: unknown, at: string): string[] => {
            if (typeof v === "string") return forms.some(f => v.includes(f)) ? [at] : [];
            if (Array.isArray(v)) return v.flatMap((e, i) => plainOutsideSecrets(e, `${at}[${i}]`));
            if (v && typeof v === "object") {
                if ((v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return [];
                return Object.entries(v).flatMap(([k, e]) => plainOutsideSecrets(e, `${at}.${k}`));
            }
            return [];
        };
        const state = await stack.exportStack();
        assert.deepEqual(plainOutsideSecrets(state.deployment, "deployment"), [], "the password outside a secret in state");
        assert.ok(JSON.stringify(state).includes(PASSWORD), "the exported state does hold it, as secrets (so the scan can find it)");
    });

    it("a second preview shows no changes", async () => {
        const res = await stack.preview({ expectNoChanges: true });
        const ops = Object.keys(res.changeSummary).filter(op => op !== "same");
        assert.deepEqual(ops, [], `unexpected changes: ${JSON.stringify(res.changeSummary)}`);
    });
});
