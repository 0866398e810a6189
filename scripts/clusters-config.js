#!/usr/bin/env node
// Prints the quickstart's `clusters` config (examples/quickstart/index.ts) as JSON: one entry per member cluster,
//   [{ "name": "c1", "context": "c1", "labels": { "tier": "prod" }, "region": "us-east", "zones": ["us-east-1a"] }, ...]
// name: the member's name (a DNS label); context: its context in the kubeconfig; labels, region, zones: optional.
//
//   node scripts/clusters-config.js --fleet FLEET_DIR             the local test fleet (its fleet.json)
//   node scripts/clusters-config.js --kubeconfig F [--contexts a,b,c]
//                                   your own clusters: the named contexts (default: every context of F, in order);
//                                   the last one is labelled tier=staging, the others tier=prod (the quickstart
//                                   places web on tier=prod and overrides the settings of the last cluster)
"use strict";
const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");
const YAML = require("yaml");

/** A kubeconfig context name as a member name: lower case, [a-z0-9-], at most 63 characters. */
function memberName(context) {
  const n = context.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  if (!n) throw new Error(`context "${context}" gives no usable member name`);
  return n;
}

function fromKubeconfig(file, contextsArg) {
  const kc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  const all = (kc.contexts ?? []).map((c) => c.name);
  const contexts = contextsArg ? contextsArg.split(",").map((s) => s.trim()).filter(Boolean) : all;
  const unknown = contexts.filter((c) => !all.includes(c));
  if (unknown.length) throw new Error(`${file}: no context ${unknown.join(", ")} (it has: ${all.join(", ") || "none"})`);
  if (contexts.length < 2) throw new Error(`${file}: the quickstart needs at least 2 contexts (got ${contexts.length}); name them with --contexts`);
  const names = contexts.map(memberName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two contexts give the member name "${dup}"`);
  return contexts.map((context, i) => ({ name: names[i], context, labels: { tier: i === contexts.length - 1 ? "staging" : "prod" } }));
}

function fromFleet(dir) {
  const f = JSON.parse(fs.readFileSync(path.join(dir, "fleet.json"), "utf8"));
  return f.clusters.map((c) => ({ name: c.name, context: c.name, labels: c.labels, region: c.region, zones: c.zones }));
}

try {
  const { values: v } = parseArgs({ options: { fleet: { type: "string" }, kubeconfig: { type: "string" }, contexts: { type: "string" } } });
  if (!v.fleet === !v.kubeconfig) throw new Error("usage: clusters-config.js --fleet DIR | --kubeconfig FILE [--contexts a,b,c]");
  console.log(JSON.stringify(v.fleet ? fromFleet(v.fleet) : fromKubeconfig(v.kubeconfig, v.contexts)));
} catch (e) {
  console.error(`clusters-config: ${e.message}`);
  process.exit(2);
}
