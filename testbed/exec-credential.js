#!/usr/bin/env node
// A client.authentication.k8s.io exec credential plugin for the test bed (node, no dependencies).
//
// Prints an ExecCredential with a client certificate and key read from files, and/or a token:
//   node testbed/exec-credential.js --cert FILE --key FILE [--token T] [--api-version v1|v1beta1]
//        [--expires-in SECONDS] [--mode ok|fail|hang] [--message TEXT] [--record FILE]
// Every option can also come from the environment: EXEC_CREDENTIAL_CERT, EXEC_CREDENTIAL_KEY, EXEC_CREDENTIAL_TOKEN,
// EXEC_CREDENTIAL_API_VERSION, EXEC_CREDENTIAL_EXPIRES_IN, EXEC_CREDENTIAL_MODE, EXEC_CREDENTIAL_MESSAGE,
// EXEC_CREDENTIAL_RECORD (arguments win).
//
// apiVersion: --api-version, else the one in KUBERNETES_EXEC_INFO (set by clients, as client-go does), else v1beta1.
// Modes: ok (default); fail: print --message (default "exec-credential: refusing as asked") on stderr and exit 1;
// hang: print a line on stderr and never answer.
// --record FILE appends one JSON line per run: {argv, execInfo, pid} (tests check that args and env arrive, and count
// runs to check caching).
"use strict";

const fs = require("fs");

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) o[a.slice(2, eq)] = a.slice(eq + 1);
    else o[a.slice(2)] = argv[++i];
  }
  return o;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const env = process.env;
  const opt = (name) => args[name] ?? env[`EXEC_CREDENTIAL_${name.toUpperCase().replace(/-/g, "_")}`];
  let execInfo;
  if (env.KUBERNETES_EXEC_INFO) {
    try {
      execInfo = JSON.parse(env.KUBERNETES_EXEC_INFO);
    } catch {
      process.stderr.write("exec-credential: KUBERNETES_EXEC_INFO is not JSON\n");
      process.exit(1);
    }
  }
  const record = opt("record");
  if (record) fs.appendFileSync(record, JSON.stringify({ argv: process.argv.slice(2), execInfo, pid: process.pid }) + "\n");

  const mode = opt("mode") ?? "ok";
  if (mode === "fail") {
    process.stderr.write(`${opt("message") ?? "exec-credential: refusing as asked"}\n`);
    process.exit(1);
  }
  if (mode === "hang") {
    process.stderr.write("exec-credential: hanging as asked\n");
    setInterval(() => {}, 1 << 30);
    return;
  }
  if (mode !== "ok") {
    process.stderr.write(`exec-credential: unknown mode "${mode}" (ok, fail, hang)\n`);
    process.exit(2);
  }

  let apiVersion = opt("api-version") ?? execInfo?.apiVersion ?? "client.authentication.k8s.io/v1beta1";
  if (!apiVersion.includes("/")) apiVersion = `client.authentication.k8s.io/${apiVersion}`;
  const status = {};
  const cert = opt("cert");
  const key = opt("key");
  if (!!cert !== !!key) {
    process.stderr.write("exec-credential: --cert and --key go together\n");
    process.exit(2);
  }
  try {
    if (cert) {
      status.clientCertificateData = fs.readFileSync(cert, "utf8");
      status.clientKeyData = fs.readFileSync(key, "utf8");
    }
  } catch (e) {
    process.stderr.write(`exec-credential: cannot read the client certificate or key: ${e.code ?? e.message}\n`);
    process.exit(1);
  }
  const token = opt("token");
  if (token) status.token = token;
  if (!status.token && !status.clientCertificateData) {
    process.stderr.write("exec-credential: give --cert and --key, or --token\n");
    process.exit(2);
  }
  const expiresIn = opt("expires-in");
  if (expiresIn) status.expirationTimestamp = new Date(Date.now() + Number(expiresIn) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  process.stdout.write(JSON.stringify({ apiVersion, kind: "ExecCredential", status }) + "\n");
}

main();
