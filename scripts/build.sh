#!/usr/bin/env bash
# Builds the given presets (default: all three). Assumes scripts/setup.sh ran.
#   scripts/build.sh [native-debug] [native-release] [wasm]
set -euo pipefail
cd "$(dirname "$0")/.."

# Emscripten's JS optimizer needs Debian's acorn modules.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

presets=("$@")
((${#presets[@]})) || presets=(native-debug native-release wasm)
for preset in "${presets[@]}"; do
  if [[ ! -f build/$preset/build.ninja ]]; then
    if [[ $preset == wasm ]]; then
      emcmake cmake --preset wasm >/dev/null
    else
      cmake --preset "$preset" >/dev/null
    fi
  fi
  cmake --build --preset "$preset"
done
