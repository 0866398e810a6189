#!/usr/bin/env bash
# `npm run demo`: install what is missing, then `pulumi up` examples/quickstart against a fleet and show per
# member cluster what landed, read back from the API servers.
#
#   npm run demo                           a local fleet of 3 clusters (testbed/fleet.js), started if not running
#   KUBEFED_KUBECONFIG=F [KUBEFED_CONTEXTS=a,b,c] npm run demo
#                                          your own clusters (kind, k3d, any kubeconfig with several contexts):
#                                          every context of F, or the named ones; nothing is started
#
# Pulumi: the `pulumi` on PATH when its version is supported (testbed/pulumi-choice.sh), else the test bed builds
# the pinned one. The Kubernetes provider plugin (and, for the local fleet, kube-apiserver etc.) come from the test
# bed (testbed/setup.sh). KUBEFED_TESTBED=skip uses your own Pulumi set-up as it is instead (pulumi on PATH, its
# plugins installed as Pulumi installs them); only with KUBEFED_KUBECONFIG.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# Install only what is missing (a linked node_modules, as in a git worktree, is left alone).
if [[ ! -d node_modules/@pulumi/pulumi ]] || { [[ ! -L node_modules ]] && ! npm ls --depth=0 >/dev/null 2>&1; }; then
  npm ci --no-audit --no-fund
fi
# Build only when a source is newer than the build.
if [[ ! -f dist/src/index.js || ! -f policy-pack/bin/index.js ]] || [[ -n "$(find src policy-pack/index.ts policy-pack/policies examples/quickstart -newer dist/src/index.js -name '*.ts' -print -quit)" ]]; then
  npm run --silent build
fi

BYO=${KUBEFED_KUBECONFIG:-}
if [[ -n $BYO && ${KUBEFED_TESTBED:-} == skip ]]; then
  echo "== KUBEFED_TESTBED=skip: pulumi $(command -v pulumi || echo '(not on PATH)') and its own plugins"
else
  bash testbed/setup.sh
  # shellcheck source=/dev/null
  source testbed/env.sh
  echo "== $(bash testbed/setup.sh --which-pulumi)"
fi

if [[ -n $BYO ]]; then
  KUBECONFIG_FILE=$BYO
  [[ -f $KUBECONFIG_FILE ]] || { echo "KUBEFED_KUBECONFIG=$KUBECONFIG_FILE: no such file" >&2; exit 2; }
  CLUSTERS=$(node scripts/clusters-config.js --kubeconfig "$KUBECONFIG_FILE" ${KUBEFED_CONTEXTS:+--contexts "$KUBEFED_CONTEXTS"})
  STATE_DIR=${KUBEFED_STATE_DIR:-$HOME/.cache/pulumi-kubefed/demo-byo/pulumi-state}
  echo "== your clusters: $CLUSTERS"
else
  FLEET_DIR=${KUBEFED_FLEET_DIR:-$HOME/.cache/pulumi-kubefed/demo-fleet}
  fleet_up() {
    node testbed/fleet.js status --dir "$FLEET_DIR" 2>/dev/null | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        try { const j = JSON.parse(s); process.exit(j.running && j.clusters.length > 0 && j.clusters.every(c => c.ready) ? 0 : 1); }
        catch { process.exit(1); }
      });'
  }
  if ! fleet_up; then
    echo "== starting a local fleet in $FLEET_DIR"
    node testbed/fleet.js stop --dir "$FLEET_DIR" >/dev/null 2>&1 || true   # a stale fleet: its state goes with it
    node testbed/fleet.js start --dir "$FLEET_DIR"
  fi
  KUBECONFIG_FILE=$FLEET_DIR/kubeconfig
  CLUSTERS=$(node scripts/clusters-config.js --fleet "$FLEET_DIR")
  STATE_DIR=$FLEET_DIR/pulumi-state
fi

export PULUMI_BACKEND_URL=${KUBEFED_BACKEND_URL:-file://$STATE_DIR}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-demo}
export PULUMI_NODEJS_TRANSPILE_ONLY=${PULUMI_NODEJS_TRANSPILE_ONLY:-true}
[[ $PULUMI_BACKEND_URL == file://* ]] && mkdir -p "${PULUMI_BACKEND_URL#file://}"

cd examples/quickstart
pulumi stack select --create demo >/dev/null
pulumi config set --secret kubeconfig -- "$(cat "$KUBECONFIG_FILE")"
pulumi config set clusters -- "$CLUSTERS"
echo "== pulumi up (examples/quickstart, stack demo)"
pulumi up --yes
cd "$ROOT"

echo
echo "== what each member cluster holds (read from its API server)"
node scripts/show-fleet.js "$KUBECONFIG_FILE" "$CLUSTERS"
FIRST=$(node -p 'JSON.parse(process.argv[1])[0].context' "$CLUSTERS")
cat <<MSG

Explore it:
  export KUBECONFIG=$KUBECONFIG_FILE
  kubectl --context $FIRST -n shop get deploy,cm -l kubefed.io/managed=true
  export PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE
  node dist/src/cli.js status --cwd examples/quickstart --stack demo     # health and propagation per cluster
  (cd examples/quickstart && pulumi refresh --yes && pulumi preview --diff)
MSG
if [[ -z $BYO ]]; then echo "The fleet keeps running; stop it with: npm run demo:down"
else echo "Remove what the demo put into your clusters: (cd examples/quickstart && pulumi destroy --yes --stack demo)"; fi
