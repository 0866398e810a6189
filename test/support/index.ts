/**
 * Shared support of the integration tests, the end-to-end tests and the benchmarks: the test bed's toolchain,
 * local fleets, Pulumi stacks (Automation API and real CLI), member reads, waiting. Not a test file itself (mocha
 * runs `*.test.js` only).
 */
export * from "./testbed";
export * from "./fleet";
export * from "./members";
export * from "./stack";
export * from "./wait";
export * from "./sdkgen";
export * from "./scratch";
export * from "./chartRepository";
export * from "./docs";
