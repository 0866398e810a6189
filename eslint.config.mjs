// Lint configuration (typescript-eslint, flat config). `npm run lint`; scripts/test-all.sh runs it before the tests.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "**/node_modules/**", "test/fixtures/**", "testbed/**", "policy-pack/dist/**", "policy-pack/bin/**"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            // `_`-prefixed names are deliberately unused (destructuring a field away, fixed callback signatures).
            // Stripping ANSI colour codes (\x1b) and checking for NUL bytes are what those regular expressions are for.
            "no-control-regex": "off",
            // A variable a callback may read before its one assignment stays `let`.
            "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        // No inline eslint-disable in the library: fix the code, or change a rule here for everyone, with the reason.
        files: ["src/**/*.ts", "policy-pack/**/*.ts"],
        linterOptions: { noInlineConfig: true },
    },
    {
        // The read-back loader is stored in state as function text and must `require` the implementation at run time;
        // the Kubernetes client is required lazily (it is slow to load and most program runs never use it).
        files: ["src/resources/loader.ts", "src/member/client.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // The component package's schema classes: resource references are empty marker interfaces the schema
        // analyzer turns into `#/resources/...` references (src/package/provider.ts rewrites them).
        files: ["src/package/schema.ts"],
        rules: { "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "always" }] },
    },
    {
        // Tests and benchmarks read untyped JSON from API servers and engine events; `any` stays allowed there.
        files: ["test/**/*.ts", "bench/**/*.ts", "examples/**/*.ts", "policy-pack/test/**/*.ts"],
        // They also require the test bed's plain-JS modules (testbed/fleet.js) and built files by path.
        rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
        languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", exports: "writable" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
