#!/usr/bin/env node
// Local multi-cluster fleet for tests: one etcd, N kube-apiservers (one etcd prefix each), and
// per cluster (when built) kube-controller-manager, kube-scheduler and kwok with fake nodes.
//
// CLI:    node testbed/fleet.js start|status|stop|stop-member|start-member [NAME]
//                [--clusters 3] [--dir DIR] [--nodes 2] [--node-cpu 4] [--node-memory 8Gi]
//                [--spec spec.json] [--no-kwok] [--no-controllers] [--keep]
// Module: const { startFleet, stopFleet, fleetStatus, stopMember, startMember } = require("./fleet");
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const net = require("net");
const http = require("http");
const https = require("https");
const crypto = require("crypto");
const { spawn, execFileSync } = require("child_process");

const DEFAULT_DIR = path.join(os.tmpdir(), "kubefed-fleet");
const PRESETS = [
  { name: "c1", region: "us-east", zones: ["us-east-1a", "us-east-1b"], labels: { tier: "prod" } },
  { name: "c2", region: "us-west", zones: ["us-west-2a"], labels: { tier: "prod" } },
  { name: "c3", region: "eu-central", zones: ["eu-central-1a"], labels: { tier: "staging" } },
];

// ---------------------------------------------------------------- helpers

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function findBinDir() {
  const cands = [];
  if (process.env.PULUMI_KUBEFED_TOOLS) cands.push(path.join(process.env.PULUMI_KUBEFED_TOOLS, "bin"));
  const cur = path.join(os.homedir(), ".cache", "pulumi-kubefed", "current");
  if (fs.existsSync(cur)) cands.push(path.join(fs.readFileSync(cur, "utf8").trim(), "bin"));
  for (const d of cands) if (fs.existsSync(path.join(d, "kube-apiserver"))) return d;
  throw new Error("kube-apiserver not found: run `bash testbed/setup.sh` and `source testbed/env.sh`");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file, n = 15) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

// Detached so that `fleet.js start` can exit and leave the fleet running; own process group
// so stop can take down any children too.
function launch(bin, args, logFile) {
  const fd = fs.openSync(logFile, "a");
  const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  child.on("error", () => {});
  child.unref();
  return child.pid;
}

async function kill(pid, graceMs = 10000) {
  if (!alive(pid)) return;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    try {
      process.kill(pid, "SIGTERM");
    } catch {}
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
    await sleep(200);
  }
}

function openssl(args, cwd) {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

// CA, serving cert (127.0.0.1/localhost), SA key pair and an admin client cert (system:masters).
function makeCerts(dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const ec = (out) => openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", out], dir);
  ec("ca.key");
  openssl(["req", "-x509", "-new", "-key", "ca.key", "-days", "3650", "-subj", `/CN=kubefed-testbed-${name}-ca`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-out", "ca.crt"], dir);
  const sign = (base, subj, ext) => {
    ec(`${base}.key`);
    openssl(["req", "-new", "-key", `${base}.key`, "-subj", subj, "-out", `${base}.csr`], dir);
    fs.writeFileSync(path.join(dir, `${base}.ext`), ext);
    openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
      "-days", "3650", "-extfile", `${base}.ext`, "-out", `${base}.crt`], dir);
  };
  sign("apiserver", "/CN=kube-apiserver",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
    "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n");
  sign("admin", "/O=system:masters/CN=kubefed-admin",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
  ec("sa.key");
  openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function b64(file) {
  return fs.readFileSync(file).toString("base64");
}

// JSON is valid YAML, and kubectl / client-go / the Pulumi provider all read it.
function kubeconfigFor(clusters, current) {
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": current,
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.server, "certificate-authority-data": b64(path.join(c.certDir, "ca.crt")) },
    })),
    users: clusters.map((c) => ({
      name: `${c.name}-admin`,
      user: {
        "client-certificate-data": b64(path.join(c.certDir, "admin.crt")),
        "client-key-data": b64(path.join(c.certDir, "admin.key")),
      },
    })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: `${c.name}-admin`, namespace: "default" },
    })),
  };
}

function request(c, method, urlPath, body, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: c.port,
        method,
        path: urlPath,
        ca: fs.readFileSync(path.join(c.certDir, "ca.crt")),
        cert: fs.readFileSync(path.join(c.certDir, "admin.crt")),
        key: fs.readFileSync(path.join(c.certDir, "admin.key")),
        headers: body ? { "content-type": "application/json" } : {},
        timeout: timeoutMs,
      },
      (res) => {
        let data = "";
        res.on("data", (d) => (data += d));
        res.on("end", () => resolve({ status: res.statusCode, body: data }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

async function waitFor(what, fn, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}` +
    (logFile ? `\n--- ${logFile}:\n${tail(logFile)}` : ""));
}

function httpOk(url) {
  return new Promise((resolve) => {
    http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on("error", () => resolve(false));
  });
}

function readState(dir) {
  const f = path.join(dir, "fleet.json");
  if (!fs.existsSync(f)) return null;
  return JSON.parse(fs.readFileSync(f, "utf8"));
}

function writeState(state) {
  const f = path.join(state.dir, "fleet.json");
  fs.writeFileSync(f + ".tmp", JSON.stringify(state, null, 2));
  fs.renameSync(f + ".tmp", f);
}

// ---------------------------------------------------------------- cluster spec

function clusterSpecs(opts) {
  let specs = opts.clusters ?? 3;
  if (typeof specs === "number") {
    specs = Array.from({ length: specs }, (_, i) => PRESETS[i] ?? {
      name: `c${i + 1}`, region: `region-${i + 1}`, zones: [`region-${i + 1}a`], labels: { tier: "staging" },
    });
  }
  return specs.map((s, i) => {
    const name = s.name ?? `c${i + 1}`;
    const region = s.region ?? `region-${i + 1}`;
    const zones = s.zones ?? [`${region}-1a`];
    const count = s.nodes ?? opts.nodes ?? 2;
    const cpu = String(s.nodeCpu ?? opts.nodeCpu ?? "4");
    const memory = String(s.nodeMemory ?? opts.nodeMemory ?? "8Gi");
    const pods = String(s.nodePods ?? opts.nodePods ?? "110");
    return {
      name,
      region,
      zones,
      labels: { ...(s.labels ?? {}), region },
      nodes: Array.from({ length: count }, (_, n) => ({
        name: `${name}-node-${n}`, zone: zones[n % zones.length], cpu, memory, pods,
      })),
    };
  });
}

// ---------------------------------------------------------------- process starters

function apiserverArgs(state, c) {
  const d = c.certDir;
  const args = [
    `--etcd-servers=http://127.0.0.1:${state.etcd.clientPort}`,
    `--etcd-prefix=${c.etcdPrefix}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${c.port}`,
    `--cert-dir=${d}`,
    `--tls-cert-file=${d}/apiserver.crt`,
    `--tls-private-key-file=${d}/apiserver.key`,
    `--client-ca-file=${d}/ca.crt`,
    `--service-account-issuer=https://127.0.0.1:${c.port}`,
    `--service-account-key-file=${d}/sa.pub`,
    `--service-account-signing-key-file=${d}/sa.key`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--authorization-mode=RBAC",
    "--allow-privileged=true",
    // loopback endpoints for the `kubernetes` Service fail validation; nothing here needs them
    "--endpoint-reconciler-type=none",
    "--enable-priority-and-fairness=false",
    "--profiling=false",
  ];
  // Without a controller-manager nobody creates the `default` ServiceAccount (envtest does the same).
  if (!state.withControllers) args.push("--disable-admission-plugins=ServiceAccount");
  return args;
}

async function startApiserver(state, c) {
  c.pids.apiserver = launch(path.join(state.bin, "kube-apiserver"), apiserverArgs(state, c), c.logs.apiserver);
}

async function waitApiserver(c, timeoutMs = 180000) {
  await waitFor(`${c.name} kube-apiserver /readyz`, async () => {
    if (!alive(c.pids.apiserver)) throw new Error("kube-apiserver exited");
    const r = await request(c, "GET", "/readyz");
    return r.status === 200;
  }, timeoutMs, c.logs.apiserver);
}

function startControllers(state, c) {
  const kc = c.kubeconfig;
  const bin = (b) => path.join(state.bin, b);
  if (state.withControllers) {
    c.pids.controllerManager = launch(bin("kube-controller-manager"), [
      `--kubeconfig=${kc}`,
      "--secure-port=0",
      "--leader-elect=false",
      "--use-service-account-credentials=false",
      `--service-account-private-key-file=${c.certDir}/sa.key`,
      `--root-ca-file=${c.certDir}/ca.crt`,
      `--cluster-signing-cert-file=${c.certDir}/ca.crt`,
      `--cluster-signing-key-file=${c.certDir}/ca.key`,
      `--cluster-name=${c.name}`,
      "--controllers=*,-nodeipam,-service-lb-controller,-cloud-node-lifecycle-controller",
    ], c.logs.controllerManager);
    c.pids.scheduler = launch(bin("kube-scheduler"), [
      `--kubeconfig=${kc}`, "--leader-elect=false", "--secure-port=0",
    ], c.logs.scheduler);
  }
  if (state.withKwok) {
    c.pids.kwok = launch(bin("kwok"), [
      `--kubeconfig=${kc}`,
      `--config=${state.kwokStages}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--node-lease-duration-seconds=40",
      "--cidr=10.244.0.0/16",
      "--node-ip=127.0.0.1",
      `--server-address=127.0.0.1:${c.kwokPort}`,
    ], c.logs.kwok);
  }
}

async function createNodes(c) {
  for (const n of c.nodes) {
    const res = { cpu: n.cpu, memory: n.memory, pods: n.pods };
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: n.name,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          type: "kwok",
          "kubernetes.io/arch": "amd64",
          "kubernetes.io/os": "linux",
          "kubernetes.io/hostname": n.name,
          "topology.kubernetes.io/region": c.region,
          "topology.kubernetes.io/zone": n.zone,
        },
      },
      spec: {},
      status: { allocatable: res, capacity: res, phase: "Running" },
    };
    const r = await request(c, "POST", "/api/v1/nodes", node);
    if (r.status !== 201 && r.status !== 409) throw new Error(`create node ${n.name}: ${r.status} ${r.body}`);
  }
}

async function waitMemberReady(state, c) {
  const timeout = 120000;
  if (state.withKwok && c.nodes.length) {
    await waitFor(`${c.name} nodes Ready`, async () => {
      if (!alive(c.pids.kwok)) throw new Error("kwok exited");
      const r = await request(c, "GET", "/api/v1/nodes?labelSelector=type%3Dkwok");
      const items = JSON.parse(r.body).items ?? [];
      const ready = items.filter((n) => (n.status.conditions ?? []).some((x) => x.type === "Ready" && x.status === "True"));
      return ready.length >= c.nodes.length;
    }, timeout, c.logs.kwok);
  }
  if (state.withControllers) {
    // pods need the `default` ServiceAccount (ServiceAccount admission is on when KCM runs)
    await waitFor(`${c.name} default ServiceAccount`, async () => {
      if (!alive(c.pids.controllerManager)) throw new Error("kube-controller-manager exited");
      const r = await request(c, "GET", "/api/v1/namespaces/default/serviceaccounts/default");
      return r.status === 200;
    }, timeout, c.logs.controllerManager);
  }
}

// ---------------------------------------------------------------- public API

async function startFleet(opts = {}) {
  const dir = path.resolve(opts.dir ?? DEFAULT_DIR);
  const old = readState(dir);
  if (old && old.etcd && alive(old.etcd.pid)) throw new Error(`a fleet is already running in ${dir} (stop it first)`);
  if (old) await stopFleet(dir); // leftovers of a dead fleet: start from a clean etcd and fresh certs
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  const bin = opts.bin ?? findBinDir();
  const has = (b) => fs.existsSync(path.join(bin, b));
  const kwokStages = path.join(bin, "..", "share", "kwok-stages.yaml");
  const state = {
    id: crypto.randomBytes(4).toString("hex"),
    dir,
    bin,
    kubeconfig: path.join(dir, "kubeconfig"),
    withControllers: opts.controllers !== false && has("kube-controller-manager") && has("kube-scheduler"),
    withKwok: opts.kwok !== false && has("kwok") && fs.existsSync(kwokStages),
    kwokStages,
    createdAt: new Date().toISOString(),
    etcd: null,
    clusters: [],
  };
  const specs = clusterSpecs(opts);
  const ports = await freePorts(2 + specs.length * 2);
  state.etcd = {
    clientPort: ports[0],
    peerPort: ports[1],
    dataDir: path.join(dir, "etcd-data"),
    log: path.join(dir, "logs", "etcd.log"),
    pid: null,
  };
  state.clusters = specs.map((s, i) => {
    const c = {
      ...s,
      context: s.name,
      port: ports[2 + i * 2],
      kwokPort: ports[3 + i * 2],
      etcdPrefix: `/kfc${String(i + 1).padStart(2, "0")}`, // equal length: no prefix of another
      certDir: path.join(dir, s.name, "pki"),
      kubeconfig: path.join(dir, s.name, "kubeconfig"),
      pids: {},
      logs: {},
    };
    c.server = `https://127.0.0.1:${c.port}`;
    for (const p of ["apiserver", "controllerManager", "scheduler", "kwok"]) c.logs[p] = path.join(dir, "logs", `${s.name}-${p}.log`);
    return c;
  });
  try {
    for (const c of state.clusters) makeCerts(c.certDir, c.name);
    for (const c of state.clusters) fs.writeFileSync(c.kubeconfig, JSON.stringify(kubeconfigFor([c], c.name), null, 2));
    fs.writeFileSync(state.kubeconfig, JSON.stringify(kubeconfigFor(state.clusters, state.clusters[0].name), null, 2));

    state.etcd.pid = launch(path.join(bin, "etcd"), [
      `--data-dir=${state.etcd.dataDir}`,
      `--listen-client-urls=http://127.0.0.1:${state.etcd.clientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${state.etcd.clientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${state.etcd.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${state.etcd.peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${state.etcd.peerPort}`,
      "--unsafe-no-fsync=true",
      "--quota-backend-bytes=4294967296",
      "--log-level=warn",
    ], state.etcd.log);
    writeState(state);
    await waitFor("etcd /health", async () => {
      if (!alive(state.etcd.pid)) throw new Error("etcd exited");
      return httpOk(`http://127.0.0.1:${state.etcd.clientPort}/health`);
    }, 30000, state.etcd.log);

    for (const c of state.clusters) await startApiserver(state, c);
    writeState(state);
    await Promise.all(state.clusters.map((c) => waitApiserver(c)));
    for (const c of state.clusters) startControllers(state, c);
    writeState(state);
    for (const c of state.clusters) if (state.withKwok) await createNodes(c);
    await Promise.all(state.clusters.map((c) => waitMemberReady(state, c)));
    state.readyAt = new Date().toISOString();
    writeState(state);
    return state;
  } catch (e) {
    await stopFleet(dir, { keepDir: true }).catch(() => {});
    e.message += `\n(fleet logs kept in ${dir}/logs)`;
    throw e;
  }
}

async function stopMember(dir, name) {
  const state = readState(path.resolve(dir ?? DEFAULT_DIR));
  if (!state) throw new Error(`no fleet in ${dir}`);
  const c = state.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no member ${name}`);
  // controllers first so they don't log-spam against a dead apiserver
  await Promise.all(["kwok", "scheduler", "controllerManager"].map((p) => kill(c.pids[p])));
  await kill(c.pids.apiserver);
  c.stopped = true;
  writeState(state);
  return c;
}

async function startMember(dir, name) {
  const state = readState(path.resolve(dir ?? DEFAULT_DIR));
  if (!state) throw new Error(`no fleet in ${dir}`);
  const c = state.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no member ${name}`);
  if (!alive(c.pids.apiserver)) await startApiserver(state, c); // same port, certs, etcd prefix
  await waitApiserver(c);
  if (!alive(c.pids.controllerManager) && !alive(c.pids.kwok)) startControllers(state, c);
  delete c.stopped;
  writeState(state);
  await waitMemberReady(state, c);
  return c;
}

async function stopFleet(dir, { keepDir = false } = {}) {
  dir = path.resolve(dir ?? DEFAULT_DIR);
  const state = readState(dir);
  if (state) {
    for (const c of state.clusters) await Promise.all(Object.values(c.pids ?? {}).map((p) => kill(p)));
    if (state.etcd) await kill(state.etcd.pid);
  }
  if (!keepDir && fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
  return state;
}

async function fleetStatus(dir) {
  dir = path.resolve(dir ?? DEFAULT_DIR);
  const state = readState(dir);
  if (!state) return { dir, running: false, clusters: [] };
  const clusters = [];
  for (const c of state.clusters) {
    let ready = false;
    let nodesReady = 0;
    if (alive(c.pids.apiserver)) {
      try {
        ready = (await request(c, "GET", "/readyz", null, 2000)).status === 200;
        const r = await request(c, "GET", "/api/v1/nodes", null, 2000);
        nodesReady = (JSON.parse(r.body).items ?? []).filter((n) =>
          (n.status.conditions ?? []).some((x) => x.type === "Ready" && x.status === "True")).length;
      } catch {}
    }
    const procs = Object.fromEntries(Object.entries(c.pids).map(([k, p]) => [k, alive(p)]));
    clusters.push({ name: c.name, server: c.server, ready, nodesReady, processes: procs });
  }
  return { dir, kubeconfig: state.kubeconfig, running: alive(state.etcd?.pid), etcd: alive(state.etcd?.pid), clusters };
}

module.exports = { startFleet, stopFleet, fleetStatus, stopMember, startMember, DEFAULT_DIR };

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      o._.push(a);
      continue;
    }
    const [k, inline] = a.slice(2).split("=", 2);
    if (k.startsWith("no-")) o[k.slice(3)] = false;
    else if (k === "keep") o.keep = true;
    else o[k] = inline ?? argv[++i];
  }
  return o;
}

async function cli() {
  const a = parseArgs(process.argv.slice(2));
  const cmd = a._[0];
  const dir = a.dir;
  if (cmd === "start") {
    const t = Date.now();
    const opts = { dir, kwok: a.kwok, controllers: a.controllers };
    if (a.spec) opts.clusters = JSON.parse(fs.readFileSync(a.spec, "utf8"));
    else if (a.clusters) opts.clusters = Number(a.clusters);
    if (a.nodes) opts.nodes = Number(a.nodes);
    if (a["node-cpu"]) opts.nodeCpu = a["node-cpu"];
    if (a["node-memory"]) opts.nodeMemory = a["node-memory"];
    const s = await startFleet(opts);
    console.log(`fleet ready in ${((Date.now() - t) / 1000).toFixed(1)}s: ${s.clusters.map((c) => `${c.name}=${c.server}`).join(" ")}`);
    console.log(`controllers=${s.withControllers} kwok=${s.withKwok}`);
    console.log(`export KUBECONFIG=${s.kubeconfig}   # contexts: ${s.clusters.map((c) => c.name).join(", ")}`);
    console.log(`state: ${path.join(s.dir, "fleet.json")}`);
  } else if (cmd === "status") {
    console.log(JSON.stringify(await fleetStatus(dir), null, 2));
  } else if (cmd === "stop") {
    const s = await stopFleet(dir, { keepDir: !!a.keep });
    console.log(s ? `stopped fleet in ${s.dir}` : "no fleet state found");
  } else if (cmd === "stop-member" || cmd === "start-member") {
    if (!a._[1]) throw new Error(`usage: fleet.js ${cmd} NAME [--dir DIR]`);
    if (cmd === "stop-member") await stopMember(dir, a._[1]);
    else await startMember(dir, a._[1]);
    console.log(`${cmd} ${a._[1]}: done`);
  } else {
    console.error("usage: node testbed/fleet.js start|status|stop|stop-member NAME|start-member NAME [--dir DIR] [--clusters N] [--nodes N] [--node-cpu 4] [--node-memory 8Gi] [--spec file.json] [--no-kwok] [--no-controllers] [--keep]");
    process.exit(2);
  }
}

if (require.main === module) {
  cli().catch((e) => {
    console.error(`fleet: ${e.message}`);
    process.exit(1);
  });
}
