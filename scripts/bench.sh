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
node bench/js_engines.mjs >"$out/engines.json"
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

echo "## $(date -u +%Y-%m-%d) — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
echo "Command: \`scripts/bench.sh\`"
echo
node bench/report.mjs "$out/native.json" "$out/js.json" "$out/store.json" "$out/sync.json" "$out/sync-pg.json" \
  "$out/web.json" "$out/engines.json"
echo
echo "The package's sync client (bench/sync_client.mjs):"
echo
node bench/sync_client.mjs
