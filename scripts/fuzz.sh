#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, clang with ASan + UBSan) and runs
# each for SECONDS (default 600) from the committed seed corpus plus what
# earlier runs found (build/fuzz/corpus/). A crash is saved under
# test-output/fuzz/ and fails the run; turn it into a regression vector.
#   scripts/fuzz.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}

scripts/setup.sh >/dev/null || exit 1
{ cmake --preset fuzz && cmake --build --preset fuzz; } >test-output/fuzz-build.log 2>&1 \
  || { tail -30 test-output/fuzz-build.log; exit 1; }

mkdir -p test-output/fuzz
failed=0
printf '%-16s %12s %8s\n' target executions crashes
for target in program operation sync snapshot; do
  found=build/fuzz/corpus/$target
  mkdir -p "$found"
  log=test-output/fuzz/$target.log
  build/fuzz/tests/fuzz/fuzz_$target -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix="test-output/fuzz/$target-" "$found" "tests/fuzz/corpus/$target" >"$log" 2>&1
  code=$?
  runs=$(grep -oE 'number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  crashes=0
  if [[ $code -ne 0 ]]; then
    crashes=1
    failed=1
    grep -E 'ERROR|SUMMARY' "$log" | head -5
  fi
  printf '%-16s %12s %8s\n' "fuzz_$target" "${runs:-0}" "$crashes"
done
exit $failed
