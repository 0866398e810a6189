#!/usr/bin/env node
// Prints, per member cluster of a local fleet, the objects carrying kubefed.io/managed=true, read straight from
// each API server (not from Pulumi's outputs).
// Usage: node scripts/show-fleet.js FLEET_DIR   |   node scripts/show-fleet.js KUBECONFIG CLUSTERS_JSON
// (CLUSTERS_JSON: the quickstart's `clusters` config, as scripts/clusters-config.js prints it)
"use strict";
const fs = require("fs");
const path = require("path");
const { connect } = require("../dist/src/member/client");

const KINDS = [
  ["v1", "Namespace"], ["apps/v1", "Deployment"], ["apps/v1", "StatefulSet"], ["v1", "ConfigMap"],
  ["v1", "Service"], ["v1", "Secret"], ["networking.k8s.io/v1", "Ingress"], ["externaldns.k8s.io/v1alpha1", "DNSEndpoint"],
];

async function managedObjects(kubeconfig, context) {
  const client = connect(kubeconfig, context);
  const rows = [];
  for (const [apiVersion, kind] of KINDS) {
    const info = await client.discover(apiVersion, kind);
    if (!info) continue;
    const base = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
    const res = await client.request("GET", `${base}/${info.plural}?labelSelector=${encodeURIComponent("kubefed.io/managed=true")}`);
    if (res.status !== 200) throw new Error(`${context}: list ${kind}: HTTP ${res.status}`);
    for (const o of res.body.items ?? []) {
      const id = `${kind} ${o.metadata.namespace ? o.metadata.namespace + "/" : ""}${o.metadata.name}`;
      let detail = "";
      if (o.spec && typeof o.spec.replicas === "number") {
        detail = `replicas ${o.spec.replicas} (ready ${o.status?.readyReplicas ?? 0})`;
        const img = (o.spec.template?.spec?.containers ?? []).map((c) => c.image).join(",");
        if (img) detail += `, image ${img}`;
      } else if (kind === "ConfigMap") {
        detail = `data ${JSON.stringify(o.data ?? {})}`;
      }
      rows.push({ id, detail });
    }
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function main() {
  const [first, second] = process.argv.slice(2);
  if (!first) throw new Error("usage: show-fleet.js FLEET_DIR | show-fleet.js KUBECONFIG CLUSTERS_JSON");
  const clusters = second ? JSON.parse(second)
    : JSON.parse(fs.readFileSync(path.join(first, "fleet.json"), "utf8")).clusters.map((c) => ({ ...c, context: c.name }));
  const kubeconfig = fs.readFileSync(second ? first : path.join(first, "kubeconfig"), "utf8");
  for (const c of clusters) {
    const labels = Object.entries(c.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
    const where = [labels, c.region && `region ${c.region}`, c.zones && `zones ${c.zones.join(",")}`].filter(Boolean).join("; ");
    console.log(`\n${c.name}  (${where || "no labels"})`);
    let rows;
    try {
      rows = await managedObjects(kubeconfig, c.context);
    } catch (e) {
      console.log(`  unreachable: ${e.message}`);
      continue;
    }
    if (rows.length === 0) console.log("  (no managed objects)");
    for (const r of rows) console.log(`  ${r.id.padEnd(36)} ${r.detail}`);
  }
}

main().catch((e) => { console.error(e.message); process.exit(1); });
