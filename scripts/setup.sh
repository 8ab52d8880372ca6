#!/usr/bin/env bash
# Installs everything Loyalty Core needs on a Debian bookworm machine.
# Idempotent: when every package is present it only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev libssl-dev
  libsqlite3-dev                   # the sync server's embedded store
  libsodium-dev                    # operators' passwords hashed with Argon2id (the console)
  liblz4-dev                       # large member states kept compressed in the stores
  zlib1g-dev                       # event files read gzip-compressed, and written by `loyalty generate`
  libdeflate-dev                   # `loyalty export`'s .gz runs: faster and smaller than zlib's level 1
  libpq-dev postgresql             # the shared store, and a local server for its tests
  clang-14 libclang-rt-14-dev      # libFuzzer (tests/fuzz/)
  emscripten binaryen node-acorn   # acorn: Emscripten's JS optimizer
  nodejs npm
  brotli gzip
  valgrind                         # instruction counts of apply() (bench/apply_instructions.sh)
  chromium                         # browser tests (playwright-core drives it)
  nginx openssl                    # the deployment of docs/deploy.md, run (tests/web/deployment.test.mjs)
  fonts-wqy-microhei               # CJK glyphs for Chromium's screenshots
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages.
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
# The machine may carry its own Node.js outside Debian's packages; keep it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the committed lock file decides the versions.
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: ok"
