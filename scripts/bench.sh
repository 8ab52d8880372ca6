#!/usr/bin/env bash
# Runs every benchmark in one go and prints one table (ratios measured side by
# side in this run). Nothing here passes or fails on a number.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh >/dev/null
scripts/build.sh native-release wasm >/dev/null

out=build/bench
mkdir -p "$out"
build/native-release/bench/bench_core --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/native.json"
node bench/preview_js.mjs >"$out/js.json"
# The sync server and its ceiling (the store's writes alone), on SQLite and
# on a throwaway local PostgreSQL.
pg=$(scripts/postgres-for-tests.sh start)
trap 'scripts/postgres-for-tests.sh stop' EXIT
psql "$pg" -qc "CREATE DATABASE store_bench"
LOYALTY_BENCH_PG=${pg%/*}/store_bench build/native-release/bench/bench_store --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/store.json"
node bench/sync_load.mjs --bin build/native-release/server/loyalty >"$out/sync.json"
LOYALTY_TEST_PG=$pg node bench/sync_load.mjs --bin build/native-release/server/loyalty >"$out/sync-pg.json"
node bench/web_page.mjs --bin build/native-release/server/loyalty >"$out/web.json"

wasm=wasm/dist/loyalty-core.wasm
glue=wasm/dist/loyalty-core.web.mjs
size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9c "$@" | wc -c | tr -d ' '; }
br() { cat "$@" | brotli -q 11 -c | wc -c | tr -d ' '; }

echo "## $(date -u +%Y-%m-%d) — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
echo "Command: \`scripts/bench.sh\`"
echo
node bench/report.mjs "$out/native.json" "$out/js.json" "$out/store.json" "$out/sync.json" "$out/sync-pg.json" "$out/web.json"
echo
echo "| size (bytes) | raw | gzip -9 | brotli -q 11 |"
echo "| --- | ---: | ---: | ---: |"
echo "| loyalty-core.wasm | $(size $wasm) | $(gz $wasm) | $(br $wasm) |"
echo "| web glue + API (loyalty-core.web.mjs) | $(size $glue) | $(gz $glue) | $(br $glue) |"
echo "| both | $(($(size $wasm) + $(size $glue))) | $(($(gz $wasm) + $(gz $glue))) | $(($(br $wasm) + $(br $glue))) |"
