import { exampleStack } from "../support";
import { describeOverridesCase } from "./overridesCase";

// Issue 25 on the real engine, from TypeScript: examples/overrides (the case: ./overridesCase.ts).
describeOverridesCase({
    title: "e2e: overrides by selector, the image overrider, and a chart from a repository (issue 25)",
    fleetName: "overrides",
    stack: async (fleet, repo, token) => {
        const { stack, backend } = await exampleStack("overrides", "e2e", fleet, { repo });
        await stack.setConfig("token", { value: token, secret: true });
        return { stack, backend };
    },
    images: r => [`${r}/busybox:1.36`, `${r}/shop/web:1.0`, `${r}/envoyproxy/envoy:v1.30`],
    c3Violation: /"c3": registry\.b\/busybox:1\.36, registry\.b\/envoyproxy\/envoy:v1\.30, registry\.b\/shop\/web:1\.0/,
});
