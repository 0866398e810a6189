#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, the test-bed toolchain), builds, then runs the
# unit, component, policy and end-to-end tests. Used by README's test command and by CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "npm packages"
if [[ ! -d node_modules/@pulumi/pulumi || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

step "build"
npm run --silent build

step "lint (typescript-eslint)"
npm run --silent lint

step "test-bed toolchain (cold build takes a while; warm runs take seconds)"
bash testbed/setup.sh
# shellcheck source=/dev/null
source testbed/env.sh

step "headless Chromium (status --html is checked in a real browser)"
if ! command -v chromium >/dev/null 2>&1; then
  # Debian's package; CI runs as root on a fresh machine
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

step "tests"
# One mocha run over every layer, so the closing summary counts them all.
npx mocha --config .mocharc.json
