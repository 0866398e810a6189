# Sourced by testbed/setup.sh: which Pulumi CLI the test bed and `npm run demo` use.
#
# The `pulumi` on PATH (outside the test bed's own bin/) is used when its version is supported: at least
# MIN_PULUMI_VERSION (the floor of the @pulumi/pulumi peer range in package.json) and at least as new as the
# @pulumi/pulumi the project has installed (a CLI older than its SDK is not supported). Then the language host
# (pulumi-language-nodejs) comes with it too. Otherwise the pinned CLI is built from Go modules.
#   KUBEFED_PULUMI=build            always build the pinned CLI
#   KUBEFED_PULUMI=/path/to/pulumi  use this one (it must still be supported)
MIN_PULUMI_VERSION=3.202.0

# version_ge A B: A >= B (dotted versions, no leading v)
version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

# The @pulumi/pulumi version installed in the repository (empty when not installed yet).
installed_sdk_version() {
  local pj=$1/node_modules/@pulumi/pulumi/package.json
  [[ -f $pj ]] && node -p 'require(process.argv[1]).version' "$pj" 2>/dev/null || true
}

# choose_pulumi OWN_BIN REPO_ROOT: prints "use <path> <version>" or "build <reason>".
choose_pulumi() {
  local own=$1 root=$2 cand="" v min sdk d
  if [[ ${KUBEFED_PULUMI:-} == build ]]; then echo "build KUBEFED_PULUMI=build"; return; fi
  if [[ -n ${KUBEFED_PULUMI:-} ]]; then
    cand=$KUBEFED_PULUMI
    [[ -x $cand ]] || { echo "build KUBEFED_PULUMI=$cand is not an executable"; return; }
  else
    local IFS=:
    for d in $PATH; do
      [[ -n $d && -x $d/pulumi && ! -d $d/pulumi ]] || continue
      [[ "$(cd "$d" 2>/dev/null && pwd -P)" == "$(cd "$own" 2>/dev/null && pwd -P)" ]] && continue   # the test bed's own
      cand=$d/pulumi; break
    done
    unset IFS
    [[ -n $cand ]] || { echo "build no pulumi on PATH"; return; }
  fi
  v=$(PULUMI_SKIP_UPDATE_CHECK=true "$cand" version 2>/dev/null | head -n1 | sed 's/^v//')
  [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "build $cand version unreadable: '$v'"; return; }
  v=${BASH_REMATCH[0]}
  min=$MIN_PULUMI_VERSION
  sdk=$(installed_sdk_version "$root")
  [[ -n $sdk ]] && version_ge "$sdk" "$min" && min=$sdk
  if version_ge "$v" "$min"; then echo "use $(cd "$(dirname "$cand")" && pwd)/$(basename "$cand") $v"
  else echo "build $cand is $v, older than $min (needed: >= $MIN_PULUMI_VERSION and >= the installed @pulumi/pulumi${sdk:+ $sdk})"; fi
}
