#!/usr/bin/env bash
# Builds the pinned test-bed toolchain (the Kubernetes provider, etcd, kube-apiserver/controller-
# manager/scheduler, kwok, the YAML language host; the Pulumi CLI + Node.js language host only when no
# supported `pulumi` is on PATH: see testbed/pulumi-choice.sh) from Go modules and caches it in
# ~/.cache/pulumi-kubefed/tools-<key>/. A warm run only re-checks the binaries.
#
#   bash testbed/setup.sh --which-pulumi   # which Pulumi CLI would be used, and why (builds nothing)
#   bash testbed/setup.sh            # build everything that is missing (two build lanes)
#   bash testbed/setup.sh STEP...    # only some steps: etcd kube-apiserver kube-extras kwok
#                                    #   pulumi language-nodejs provider-kubernetes language-yaml finish
#   SETUP_JOBS=1 bash testbed/setup.sh   # one lane (less RAM, slower)
#
# Then: source testbed/env.sh
set -euo pipefail

# ---- pins -------------------------------------------------------------------------------
# The CLI is the newest pkg/v3 the Go module proxy serves (it serves no newer one); the Node SDK
# lanes run their own @pulumi/pulumi against it (3.248.0 on Node 20, the current one on Node 22).
PULUMI_VERSION=3.276.0
# The upstream language host module is not served by the Go module proxy reachable here, so
# testbed/golang/pulumi-language-nodejs is our own small host, built against sdk/v3 of this release.
# The k8s provider: the proxy serves only one provider/v4 version (the v4.25.0 commit).
K8S_PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199
K8S_PROVIDER_CODE_VERSION=4.25.0
# Plugin versions registered in PULUMI_HOME for that binary (the npm SDK asks for its own version):
# 4.25.0 for the lockfile's SDK, 4.34.2 for the current SDK of the Node 22 test lane.
K8S_PROVIDER_SLOTS="4.25.0 4.34.2"
ETCD_VERSION=v3.6.14
K8S_VERSION=v1.36.3
KWOK_VERSION=v0.8.0
# The YAML language host (Pulumi YAML programs, e.g. examples/yaml-quickstart). Not part of the folder key: its
# stamp holds the version, so a bump rebuilds this step only.
PULUMI_YAML_VERSION=v1.25.0
RECIPE=3   # bump when the build recipe changes

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KEY_SRC="pulumi=$PULUMI_VERSION k8sprov=$K8S_PROVIDER_PSEUDO slots=$K8S_PROVIDER_SLOTS etcd=$ETCD_VERSION k8s=$K8S_VERSION kwok=$KWOK_VERSION recipe=$RECIPE"
KEY=$(printf '%s' "$KEY_SRC" | sha256sum | cut -c1-10)
CACHE_ROOT=${PULUMI_KUBEFED_CACHE:-$HOME/.cache/pulumi-kubefed}
TOOLS=$CACHE_ROOT/tools-$KEY
[[ ${1:-} == --env-path ]] && { echo "$TOOLS/env"; exit 0; }   # used by env.sh
BIN=$TOOLS/bin
# shellcheck source=testbed/pulumi-choice.sh
. "$TESTBED_DIR/pulumi-choice.sh"
PULUMI_CHOICE=$(choose_pulumi "$BIN" "$TESTBED_DIR/..")
if [[ ${1:-} == --which-pulumi ]]; then
  case $PULUMI_CHOICE in
    use\ *) set -- $PULUMI_CHOICE; echo "pulumi from PATH: $2 (v$3)" ;;
    *) echo "pulumi: built by the test bed (v$PULUMI_VERSION): ${PULUMI_CHOICE#build }" ;;
  esac
  exit 0
fi
if [[ $PULUMI_CHOICE == use\ * ]]; then
  PULUMI_BIN=$(echo "$PULUMI_CHOICE" | cut -d' ' -f2)
  PULUMI_DIR=$(dirname "$PULUMI_BIN")
else
  PULUMI_BIN=$BIN/pulumi
  PULUMI_DIR=$BIN
fi
# The Pulumi-side steps this run builds: none of the CLI's when a supported pulumi is on PATH, and its own
# Node.js language host when that install has one.
PULUMI_STEPS=(pulumi language-nodejs)
if [[ $PULUMI_DIR != "$BIN" ]]; then
  PULUMI_STEPS=()
  [[ -x $PULUMI_DIR/pulumi-language-nodejs ]] || PULUMI_STEPS=(language-nodejs)
fi
LOGS=$TOOLS/logs
WORK=$TOOLS/build
STAMPS=$TOOLS/stamps
mkdir -p "$BIN" "$LOGS" "$WORK" "$STAMPS" "$TOOLS/pulumi-home"
printf '%s\n' "$KEY_SRC" >"$TOOLS/key.txt"
# one builder per tools folder at a time; a second run waits, then finds everything cached
exec 9>"$TOOLS/.lock"
flock -n 9 || { echo "[setup] another setup.sh is building $TOOLS; waiting..."; flock 9; }

export CGO_ENABLED=0
export GOFLAGS=-buildvcs=false
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
GOBUILD=(go build -p "${GO_BUILD_P:-2}" -trimpath)

T0=$(date +%s)
log() { printf '[setup %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null || die "go not found (need Go >= 1.26)"
command -v node >/dev/null || die "node not found"

# a stamp holds a fingerprint of step inputs not covered by the folder key (our own sources)
fingerprint() {
  case $1 in
    language-nodejs) cat "$TESTBED_DIR"/golang/pulumi-language-nodejs/*.go | sha256sum | cut -c1-16 ;;
    language-yaml) echo "$PULUMI_YAML_VERSION" ;;
  esac
}
done_step() { [[ -f $STAMPS/$1 && "$(cat "$STAMPS/$1")" == "$(fingerprint "$1")" ]]; }
mark() { fingerprint "$1" >"$STAMPS/$1"; }

# Per-step inputs: the pins a step's artifacts depend on. A new tools folder (some pin changed) takes
# the artifacts of steps whose own pins did not change from an older folder (hard links) instead of
# rebuilding them cold, so bumping Pulumi rebuilds only the Pulumi steps. A step with no entry here
# is always built.
declare -A STEP_PINS=([etcd]="etcd=$ETCD_VERSION" [kube-apiserver]="k8s=$K8S_VERSION" [kube-extras]="k8s=$K8S_VERSION"
  [kwok]="kwok=$KWOK_VERSION" [pulumi]="pulumi=$PULUMI_VERSION" [language-nodejs]="pulumi=$PULUMI_VERSION"
  [provider-kubernetes]="k8sprov=$K8S_PROVIDER_PSEUDO" [language-yaml]="recipe=$RECIPE")  # language-yaml: its pin is its stamp
declare -A STEP_FILES=([kube-extras]="bin/kube-controller-manager bin/kube-scheduler bin/kubectl"
  [kwok]="bin/kwok share/kwok-stages.yaml" [provider-kubernetes]="build/pulumi-resource-kubernetes")
step_files() { echo "${STEP_FILES[$1]:-bin/${ARTIFACT[$1]}}"; }
adopt_step() { # name: link a finished step with the same pins (and recipe, and stamp) from another tools folder
  local s=$1 pins=${STEP_PINS[$1]:-} donor tok f ok
  [[ -n $pins ]] || return 1
  for donor in "$CACHE_ROOT"/tools-*; do
    [[ $donor != "$TOOLS" && -f $donor/key.txt && -f $donor/stamps/$s ]] || continue
    [[ "$(cat "$donor/stamps/$s")" == "$(fingerprint "$s")" ]] || continue
    ok=1
    for tok in $pins recipe=$RECIPE; do [[ " $(cat "$donor/key.txt") " == *" $tok "* ]] || ok=0; done
    for f in $(step_files "$s"); do [[ -f $donor/$f ]] || ok=0; done
    ((ok)) || continue
    for f in $(step_files "$s"); do
      mkdir -p "$(dirname "$TOOLS/$f")"; rm -f "$TOOLS/$f"
      # binaries as hard links (go build replaces its output file, never rewrites it); other files copied
      case $f in bin/* | build/*) ln "$donor/$f" "$TOOLS/$f" 2>/dev/null || cp -p "$donor/$f" "$TOOLS/$f" ;; *) cp -p "$donor/$f" "$TOOLS/$f" ;; esac
    done
    cp "$donor/stamps/$s" "$STAMPS/$s"; cp "$donor/stamps/$s.seconds" "$STAMPS/$s.seconds" 2>/dev/null || true
    log "$s: taken from $(basename "$donor") (same pins)"
    return 0
  done
  return 1
}

# wrapper module dir: fresh go.mod each time (cheap); module cache makes re-resolution fast
wrapper() { # name goversion
  local d=$WORK/$1; rm -rf "$d"; mkdir -p "$d"
  printf 'module testbed.local/%s\n\ngo %s\n' "$1" "$2" >"$d/go.mod"
  echo "$d"
}

# ---- steps ---------------------------------------------------------------------------------
step_etcd() {
  local d; d=$(wrapper etcd 1.26)
  cd "$d"
  go get go.etcd.io/etcd/server/v3@$ETCD_VERSION
  "${GOBUILD[@]}" -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
}

k8s_wrapper() { # name -> wrapper with all staging replaces of k8s.io/kubernetes@K8S_VERSION
  local d mod minor; d=$(wrapper "$1" 1.26.0)
  cd "$d"
  mod=$(go mod download -json k8s.io/kubernetes@$K8S_VERSION | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $mod ]] || die "cannot download k8s.io/kubernetes@$K8S_VERSION"
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  {
    grep -E '^godebug ' "$mod" || true
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo "replace ("
    # staging modules are v0.<minor>.<patch> of the release
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\t\1 => \1 v0.'"${K8S_VERSION#v1.}"'#p' "$mod"
    echo ")"
  } >>go.mod
  grep -c ' => ' go.mod | grep -qv '^0$' || die "no staging replaces derived from $mod"
  echo "$d"
}
k8s_ldflags() {
  local minor; minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  local f="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
  done
  echo "$f"
}
step_kube-apiserver() {
  local d; d=$(k8s_wrapper k8s-apiserver)
  cd "$d"
  go get k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION
  "${GOBUILD[@]}" -ldflags "$(k8s_ldflags)" -o "$BIN/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
}
step_kube-extras() {
  local d pkgs=(k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  d=$(k8s_wrapper k8s-extras)
  cd "$d"
  go get "${pkgs[@]/%/@$K8S_VERSION}"
  # kubectl is cheap here and avoids depending on a system kubectl of another version
  "${GOBUILD[@]}" -ldflags "$(k8s_ldflags)" -o "$BIN/" "${pkgs[@]}"
}
step_kwok() {
  local d; d=$(wrapper kwok 1.26.0)
  cd "$d"
  go get sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION
  "${GOBUILD[@]}" -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok
  # standalone kwok needs Stage configs (kwokctl normally writes them): take kwok's own
  # "fast" node/pod stages plus lease heartbeats from the same module version
  local src f; src=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$TOOLS/share"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    printf -- '---\n'; cat "$src/kustomize/stage/$f"
  done >"$TOOLS/share/kwok-stages.yaml"
}

PULUMI_LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
pulumi_wrapper() { # name
  local d; d=$(wrapper "$1" 1.25.11)
  cat >>"$d/go.mod" <<EOF
require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  echo "$d"
}
step_pulumi() {
  local d; d=$(pulumi_wrapper pulumi-cli)
  cd "$d"
  go get github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION
  "${GOBUILD[@]}" -tags osusergo,grpcnotrace -ldflags "$PULUMI_LDFLAGS" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}
step_language-nodejs() {
  local d; d=$(pulumi_wrapper language-nodejs)
  cp -r "$TESTBED_DIR/golang/pulumi-language-nodejs" "$d/lh"
  cd "$d"
  go mod tidy
  "${GOBUILD[@]}" -tags osusergo,grpcnotrace -ldflags "$PULUMI_LDFLAGS" -o "$BIN/pulumi-language-nodejs" ./lh
}
step_language-yaml() {
  # built with its own go.mod's pins (pkg/sdk v3.206.0), as released; the CLI finds it on PATH next to `pulumi`
  local d; d=$(wrapper language-yaml 1.24.7)
  cd "$d"
  go get github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$PULUMI_YAML_VERSION
  "${GOBUILD[@]}" -tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" \
    -o "$BIN/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}
step_provider-kubernetes() {
  local d src
  d=$(wrapper provider-kubernetes 1.25.11)
  cd "$d"
  src=$(go mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_PROVIDER_PSEUDO | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [[ -d $src ]] || die "cannot download provider/v4@$K8S_PROVIDER_PSEUDO"
  # the two //go:embed inputs are gitignored build outputs, missing from the module zip:
  # make them in a writable copy and point the wrapper at it
  cp -r "$src" prov && chmod -R u+w prov
  node -e '
    const fs = require("fs"), dir = "prov/cmd/pulumi-resource-kubernetes/";
    const s = JSON.parse(fs.readFileSync(dir + "schema.json", "utf8"));
    s.version = process.argv[1];
    fs.writeFileSync(dir + "schema-embed.json", JSON.stringify(s));
    fs.writeFileSync(dir + "terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync(dir + "terraform-mapping.json", "utf8"))));
  ' "$K8S_PROVIDER_CODE_VERSION"
  sed -i 's#^replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => .*##' prov/go.mod
  cat >>go.mod <<EOF
require github.com/pulumi/pulumi-kubernetes/provider/v4 $K8S_PROVIDER_PSEUDO
replace github.com/pulumi/pulumi-kubernetes/provider/v4 => ./prov
EOF
  go get github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes
  "${GOBUILD[@]}" -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_CODE_VERSION" \
    -o "$WORK/pulumi-resource-kubernetes" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes
}

# ---- runner ---------------------------------------------------------------------------------
declare -A ARTIFACT=([etcd]=etcd [kube-apiserver]=kube-apiserver [kube-extras]=kube-scheduler [kwok]=kwok
  [pulumi]=pulumi [language-nodejs]=pulumi-language-nodejs [provider-kubernetes]=../build/pulumi-resource-kubernetes
  [language-yaml]=pulumi-language-yaml)
# minutes measured on 2 cores with both lanes busy (README has the numbers)
declare -A EST=([etcd]=1 [kube-apiserver]=8 [kube-extras]=5 [kwok]=4 [pulumi]=9 [language-nodejs]=1 [provider-kubernetes]=19 [language-yaml]=5)

run_step() { # name: skip when stamped, else build with a log; record seconds
  local s=$1 t
  if done_step "$s" && [[ -x $BIN/${ARTIFACT[$s]} ]]; then log "$s: cached"; return 0; fi
  rm -f "$STAMPS/$s"
  adopt_step "$s" && return 0
  log "$s: building (cold ~${EST[$s]} min) -> $LOGS/$s.log"
  t=$(date +%s)
  if ( set -x; "step_$s" ) >"$LOGS/$s.log" 2>&1; then
    echo "$(($(date +%s) - t))" >"$STAMPS/$s.seconds"; mark "$s"
    log "$s: done in $(($(date +%s) - t))s"
  else
    log "$s: FAILED after $(($(date +%s) - t))s; last lines of $LOGS/$s.log:"
    tail -n 25 "$LOGS/$s.log" | sed 's/^/    /' >&2
    return 1
  fi
}
run_lane() { local s; for s in "$@"; do run_step "$s" || return 1; done; }

step_finish() {
  export PULUMI_HOME=$TOOLS/pulumi-home PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  local v
  for v in $K8S_PROVIDER_SLOTS; do
    [[ -x $PULUMI_HOME/plugins/resource-kubernetes-v$v/pulumi-resource-kubernetes ]] && continue
    "$PULUMI_BIN" plugin install resource kubernetes "$v" --file "$WORK/pulumi-resource-kubernetes" >/dev/null \
      || die "plugin install kubernetes $v failed"
  done
  # Dynamic providers run the bundled plugin `pulumi-resource-pulumi-nodejs`, a script shipped in
  # the @pulumi/pulumi npm package. This shim runs the copy in the nearest node_modules (the engine
  # starts it with the program directory as cwd), so it follows the project's SDK version.
  # Policy packs need no shim: with a nodejs language host the engine runs them via RunPlugin.
  cat >"$BIN/pulumi-resource-pulumi-nodejs" <<'SH'
#!/usr/bin/env bash
self=pulumi-resource-pulumi-nodejs; d=$PWD
while :; do
  [[ -f $d/node_modules/@pulumi/pulumi/$self ]] && exec sh "$d/node_modules/@pulumi/pulumi/$self" "$@"
  [[ $d == / ]] && break; d=$(dirname "$d")
done
echo "$self: no node_modules/@pulumi/pulumi above $PWD (npm install first)" >&2; exit 1
SH
  chmod +x "$BIN/pulumi-resource-pulumi-nodejs"
  # the pulumi used (and its language hosts) first: the test bed's own bin/, or the install found on PATH
  local path_dirs=$BIN
  [[ $PULUMI_DIR != "$BIN" ]] && path_dirs=$PULUMI_DIR:$BIN
  echo "$PULUMI_DIR" >"$TOOLS/pulumi-dir"
  cat >"$TOOLS/env" <<ENV
# generated by testbed/setup.sh (key $KEY); pulumi: $PULUMI_BIN
export PULUMI_KUBEFED_TOOLS="$TOOLS"
export PATH="$path_dirs:\$PATH"
export PULUMI_HOME="$TOOLS/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-testbed}"
export KUBEBUILDER_ASSETS="$BIN"
ENV
  echo "$TOOLS" >"$CACHE_ROOT/current"
}

STEPS=("$@")
if ((${#STEPS[@]} == 0)); then
  log "toolchain cache: $TOOLS (key $KEY)"
  if [[ $PULUMI_DIR != "$BIN" ]]; then log "pulumi: $PULUMI_BIN from PATH (${PULUMI_CHOICE##* }); not building the CLI"
  else log "pulumi: building v$PULUMI_VERSION (${PULUMI_CHOICE#build })"; fi
  for s in etcd kube-apiserver kube-extras kwok "${PULUMI_STEPS[@]}" provider-kubernetes language-yaml; do
    done_step "$s" || { log "some tools missing: cold build ~30 min on 2 cores, longer if the machine is busy (warm runs take about a second)"; break; }
  done
  if ((${SETUP_JOBS:-2} >= 2)); then
    # two lanes: Kubernetes side and Pulumi side; go build itself uses both cores
    run_lane etcd kube-apiserver kube-extras kwok language-yaml & A=$!
    run_lane "${PULUMI_STEPS[@]}" provider-kubernetes & B=$!
    ok=1; wait $A || ok=0; wait $B || ok=0
    ((ok)) || die "build failed (see logs above, in $LOGS)"
  else
    run_lane etcd kube-apiserver "${PULUMI_STEPS[@]}" provider-kubernetes kube-extras kwok language-yaml || die "build failed (logs in $LOGS)"
  fi
  step_finish
  "$PULUMI_BIN" version >/dev/null || die "pulumi binary does not run"
  "$BIN/kube-apiserver" --version | grep -q "$K8S_VERSION" || die "kube-apiserver not version-stamped"
  log "ready: source $TESTBED_DIR/env.sh   (tools: $TOOLS)"
else
  for s in "${STEPS[@]}"; do
    if [[ $s == finish ]]; then step_finish; else run_step "$s" || die "$s failed"; fi
  done
fi
