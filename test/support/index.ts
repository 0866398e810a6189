/**
 * Every test helper lives in this folder (issue #21: one place). This index is what the integration tests, the
 * end-to-end tests and the benchmarks share: the test bed's toolchain, the skip decision (skip.ts), local fleets,
 * Pulumi stacks (Automation API and real CLI), member reads, waiting. The unit tests' own helpers are imported by
 * path, not from here: cli.ts (the command line in-process), harness.ts (installs Pulumi's mocks when loaded) and
 * fakeApiServer.ts. Not a test file itself (mocha runs `*.test.js` only).
 */
export * from "./testbed";
export * from "./skip";
export * from "./fleet";
export * from "./members";
export * from "./stack";
export * from "./wait";
export * from "./sdkgen";
export * from "./scratch";
export * from "./chartRepository";
export * from "./docs";
