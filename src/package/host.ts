/**
 * Entry point of the component package's plugin (`plugin/package.json` `main`): the engine starts it through the
 * Node.js language host (`run-plugin`), and it serves the provider on the port it prints. It exports nothing, so
 * the SDK's own component host does not start a second provider.
 */
import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import type { ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";
import { KubefedComponentProvider } from "./provider";
import { packageComponents } from "./schema";

// The plugin folder (plugin/) holds PulumiPlugin.yaml, package.json (the package name, hence the type tokens) and
// the tsconfig the schema analyzer reads; this file is dist/src/package/host.js.
const dirname = path.resolve(__dirname, "..", "..", "..", "plugin");
const version = (JSON.parse(fs.readFileSync(path.join(dirname, "..", "package.json"), "utf8")) as { version: string }).version;

void provider.main(new KubefedComponentProvider({
    name: "pulumi-kubefed", dirname, version, // the schema classes are abstract (declarations for the analyzer); the provider only reads their names
    components: Object.values(packageComponents) as unknown as ComponentResourceConstructor[],
}), process.argv.slice(2));
