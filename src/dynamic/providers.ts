/**
 * Where the read-back implementations were until the member I/O was split by where it runs (src/member,
 * src/provider, src/resources). Stacks deployed from inside this repository (the root quickstart, `npm run demo`)
 * store a loader whose fallback is this build's absolute path to this file: it stays, so their refresh and destroy
 * still load the implementations. Installed packages are loaded by name (`pulumi-kubefed/dynamic-providers`).
 */
export { providers } from "../provider/providers";
