#!/usr/bin/env bash
# The main job: sets up, builds, and runs `loyalty serve` with the bakery
# programme and the web demo. Stop it with Ctrl-C.
#   scripts/demo.sh [--listen HOST:PORT] [--program programs/coffee.json]
set -euo pipefail
cd "$(dirname "$0")/.."

listen=127.0.0.1:8080
program=programs/bakery.json
while (($#)); do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --program) program=$2; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--listen HOST:PORT] [--program FILE]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
scripts/build.sh native-release wasm

loyalty=build/native-release/server/loyalty
"$loyalty" check "$program"
echo
echo "Open http://$listen/ — the storefront demo; the programme is at http://$listen/v1/program"
echo
exec "$loyalty" serve --program "$program" --listen "$listen" --static web-demo --package wasm/dist
