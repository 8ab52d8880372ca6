#!/usr/bin/env bash
# The main job: sets up, builds, and runs the sync server (`loyalty serve`) on
# embedded SQLite with the bakery programme and the web demo, in demo mode
# (secrets made up unless LOYALTY_TOKEN_SECRET / LOYALTY_MERCHANT_KEY are set;
# POST /v1/demo/login open). Stop it with Ctrl-C.
#   scripts/demo.sh [--listen HOST:PORT] [--program programs/coffee.json] [--db sqlite:FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

listen=127.0.0.1:8080
program=programs/bakery.json
db=sqlite:build/demo/loyalty.db
while (($#)); do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --program) program=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--listen HOST:PORT] [--program FILE] [--db sqlite:FILE]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
scripts/build.sh native-release wasm

loyalty=build/native-release/server/loyalty
"$loyalty" check "$program"
mkdir -p build/demo
echo
echo "Open http://$listen/ — the storefront demo. The sync API (server/openapi.yaml) is on the same"
echo "address, on $db; the merchant key is in the 'listening' log line below."
echo
exec "$loyalty" serve --program "$program" --listen "$listen" --db "$db" --demo --static build/web-demo --package wasm/dist
