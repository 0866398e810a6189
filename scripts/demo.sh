#!/usr/bin/env bash
# The main job: install what is missing, start a local fleet of 3 clusters, `pulumi up` examples/quickstart
# against it, and show per member cluster what landed, read back from the API servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

if [[ ! -d node_modules/@pulumi/pulumi || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
bash testbed/setup.sh
# shellcheck source=/dev/null
source testbed/env.sh

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

export PULUMI_BACKEND_URL="file://$FLEET_DIR/pulumi-state"
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-demo}
export PULUMI_NODEJS_TRANSPILE_ONLY=${PULUMI_NODEJS_TRANSPILE_ONLY:-true}
mkdir -p "$FLEET_DIR/pulumi-state"

cd examples/quickstart
pulumi stack select --create demo >/dev/null
pulumi config set --secret kubeconfig -- "$(cat "$FLEET_DIR/kubeconfig")"
pulumi config set clusters -- "$(node -e '
  const f = require(process.argv[1]);
  console.log(JSON.stringify(f.clusters.map(c => ({ name: c.name, context: c.name, labels: c.labels, region: c.region, zones: c.zones }))));
' "$FLEET_DIR/fleet.json")"
echo "== pulumi up (examples/quickstart, stack demo)"
pulumi up --yes
cd "$ROOT"

echo
echo "== what each member cluster holds (read from its API server)"
node scripts/show-fleet.js "$FLEET_DIR"
cat <<MSG

The fleet keeps running. Explore it:
  export KUBECONFIG=$FLEET_DIR/kubeconfig
  kubectl --context c1 -n shop get deploy,cm -l kubefed.io/managed=true
  source testbed/env.sh; export PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE
  node dist/src/cli.js status --cwd examples/quickstart --stack demo     # health and propagation per cluster
  (cd examples/quickstart && pulumi refresh --yes && pulumi preview --diff)
Stop it with: npm run demo:down
MSG
