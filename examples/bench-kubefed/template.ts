// The Deployment template of the benchmark: byte-identical copy in examples/bench-baseline/template.ts except for
// this header (bench/e2e.ts checks), so both programs send the very same objects.
export const NAMESPACE = "default";

export function deploymentTemplate(i: number) {
    const name = `bench-${i}`;
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: NAMESPACE, labels: { app: name, "app.kubernetes.io/part-of": "kubefed-bench" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: {
                metadata: { labels: { app: name } },
                spec: {
                    containers: [{
                        name: "app",
                        image: "nginx:1.25",
                        ports: [{ containerPort: 80, name: "http" }],
                        env: [{ name: "INDEX", value: String(i) }],
                        resources: { requests: { cpu: "10m", memory: "16Mi" } },
                    }],
                },
            },
        },
    };
}
