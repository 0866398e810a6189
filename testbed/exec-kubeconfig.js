#!/usr/bin/env node
// Writes, for a started fleet (testbed/fleet.js), a kubeconfig whose users authenticate through the exec credential
// plugin testbed/exec-credential.js (each member's admin client certificate and key), with the same clusters and
// contexts as the fleet's kubeconfig.
//
// CLI:    node testbed/exec-kubeconfig.js [--dir FLEET_DIR] [--out FILE] [--api-version v1|v1beta1] [--mode ok|fail|hang]
// Module: const { writeExecKubeconfig, execKubeconfigFor } = require("./exec-kubeconfig");
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const PLUGIN = path.join(__dirname, "exec-credential.js");
const DEFAULT_DIR = path.join(os.tmpdir(), "kubefed-fleet");

/**
 * The kubeconfig object for `state` (the fleet's fleet.json, or what startFleet returned).
 * opts: apiVersion ("v1" | "v1beta1", default v1), mode ("ok" | "fail" | "hang"), extraArgs (string[]),
 * command (default: this node binary, with the plugin script as first argument).
 * The certificate path goes in as an argument, the key path through the plugin's env (both routes are exercised).
 */
function execKubeconfigFor(state, opts = {}) {
  const apiVersion = `client.authentication.k8s.io/${opts.apiVersion ?? "v1"}`;
  const clusters = state.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) throw new Error("fleet state has no clusters");
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": clusters[0].context ?? clusters[0].name,
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server,
        "certificate-authority-data": fs.readFileSync(path.join(c.certDir, "ca.crt")).toString("base64"),
      },
    })),
    users: clusters.map((c) => ({
      name: `${c.name}-exec`,
      user: {
        exec: {
          apiVersion,
          command: opts.command ?? process.execPath,
          args: [...(opts.command ? [] : [PLUGIN]), "--cert", path.join(c.certDir, "admin.crt"), ...(opts.extraArgs ?? [])],
          env: [
            { name: "EXEC_CREDENTIAL_KEY", value: path.join(c.certDir, "admin.key") },
            ...(opts.mode ? [{ name: "EXEC_CREDENTIAL_MODE", value: opts.mode }] : []),
          ],
          interactiveMode: "Never",
          provideClusterInfo: true,
          installHint: "exec-credential.js is part of the test bed (testbed/)",
        },
      },
    })),
    contexts: clusters.map((c) => ({
      name: c.context ?? c.name,
      context: { cluster: c.name, user: `${c.name}-exec`, namespace: "default" },
    })),
  };
}

/** Writes the exec kubeconfig of the fleet in `dirOrState` to `opts.out` (default <dir>/kubeconfig-exec); returns the path. */
function writeExecKubeconfig(dirOrState, opts = {}) {
  let state = dirOrState;
  if (typeof dirOrState === "string" || dirOrState === undefined) {
    const dir = path.resolve(dirOrState ?? DEFAULT_DIR);
    const f = path.join(dir, "fleet.json");
    if (!fs.existsSync(f)) throw new Error(`no fleet state in ${dir} (start one with: node testbed/fleet.js start --dir ${dir})`);
    state = JSON.parse(fs.readFileSync(f, "utf8"));
  }
  const out = path.resolve(opts.out ?? path.join(state.dir, "kubeconfig-exec"));
  fs.writeFileSync(out, JSON.stringify(execKubeconfigFor(state, opts), null, 2), { mode: 0o600 });
  return out;
}

module.exports = { writeExecKubeconfig, execKubeconfigFor, PLUGIN };

if (require.main === module) {
  const a = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith("--")) a[argv[i].slice(2)] = argv[++i];
  try {
    const out = writeExecKubeconfig(a.dir, { out: a.out, apiVersion: a["api-version"], mode: a.mode });
    console.log(`export KUBECONFIG=${out}   # users authenticate through ${PLUGIN}`);
  } catch (e) {
    console.error(`exec-kubeconfig: ${e.message}`);
    process.exit(1);
  }
}
