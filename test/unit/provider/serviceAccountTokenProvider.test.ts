import * as assert from "assert";
import { serviceAccountTokenProvider } from "../../../src/provider/serviceAccountTokenProvider";
import { deadUrl, fakeKubeconfig } from "../../support/fakeApiServer";

const TOKEN = "tok-a-5f3c9e1d7b";

describe("ServiceAccountToken provider: messages", function () {
    this.timeout(20_000);
    it("create fails on an unusable or unreachable kubeconfig without quoting it", async () => {
        const kc = fakeKubeconfig(await deadUrl(), TOKEN);
        const base = { namespace: "kube-federation-system", secretName: "t", timeoutSeconds: 1 };
        await assert.rejects(serviceAccountTokenProvider.create({ ...base, kubeconfig: kc }),
            (e: Error) => /no token after 1 s/.test(e.message) && !e.message.includes(TOKEN));
        await assert.rejects(serviceAccountTokenProvider.create({ ...base, kubeconfig: kc.replace(`token: ${TOKEN}`, `token: ${TOKEN}: [`) }),
            (e: Error) => /cannot build a client from the admin kubeconfig/.test(e.message) && !e.message.includes(TOKEN));
    });
});
