// Entry point of the schema analyzer (@pulumi/pulumi provider/experimental): it starts here and follows the
// re-export to the schema classes. At run time the plugin starts from package.json's `main` instead.
export * from "../src/package/schema";
