#!/usr/bin/env bash
# Sets up, builds every target and runs every test suite. Prints one summary
# line per suite and a total; exits non-zero if any suite fails.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || exit 1
scripts/build.sh native-debug wasm || exit 1

mkdir -p test-output
summary=()
total_passed=0
total_failed=0
failed_suites=0

record() {  # suite passed failed exit_code
  local suite=$1 passed=$2 failed=$3 code=$4
  if [[ $code -ne 0 && $failed -eq 0 ]]; then failed=1; fi
  summary+=("$(printf '%-34s %5d passed, %d failed' "$suite:" "$passed" "$failed")")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if [[ $failed -ne 0 ]]; then failed_suites=$((failed_suites + 1)); fi
}

# 1. Native: GoogleTest under ASan + UBSan (unit tests, CLI, conformance
# vectors, ledger properties). Each binary runs once: one process per test
# (ctest's way) would repeat start-up and vector loading hundreds of times.
native_passed=0
native_failed=0
native_code=0
for binary in core_tests server_tests; do
  LOYALTY_DIFFERENTIAL_SEQUENCES=1500 build/native-debug/tests/$binary --gtest_brief=1 2>&1 | tee "test-output/native-$binary.log"
  code=${PIPESTATUS[0]}
  [[ $code -eq 0 ]] || native_code=$code
  passed=$(grep -E '^\[  PASSED  \] [0-9]+ test' "test-output/native-$binary.log" | grep -oE '[0-9]+' | head -1)
  failed=$(grep -E '^\[  FAILED  \] [0-9]+ test' "test-output/native-$binary.log" | grep -oE '[0-9]+' | head -1)
  native_passed=$((native_passed + ${passed:-0}))
  native_failed=$((native_failed + ${failed:-0}))
done
record "native (GoogleTest, ASan+UBSan)" "$native_passed" "$native_failed" "$native_code"

# 1b. The in-place apply against the copy-and-scan reference, state by state,
# over all 104,000 random sequences: optimised, as under ASan they would take
# twenty minutes (the run above takes 1,500 a programme).
if [[ ! -f build/native-release/build.ninja ]]; then cmake --preset native-release >/dev/null; fi
cmake --build --preset native-release --target core_tests >/dev/null
build/native-release/tests/core_tests --gtest_filter='*ApplyDifferential*' --gtest_brief=1 2>&1 | tee test-output/apply-differential.log
code=${PIPESTATUS[0]}
passed=$(grep -E '^\[  PASSED  \] [0-9]+ test' test-output/apply-differential.log | grep -oE '[0-9]+' | head -1)
failed=$(grep -E '^\[  FAILED  \] [0-9]+ test' test-output/apply-differential.log | grep -oE '[0-9]+' | head -1)
record "apply vs reference (release)" "${passed:-0}" "${failed:-0}" "$code"

node_suite() {  # name log-name test-folder
  node --test "$3" 2>&1 | tee "test-output/$2.log"
  local code=${PIPESTATUS[0]}
  local pass fail
  pass=$(grep -E '^# pass ' "test-output/$2.log" | awk '{print $3}')
  fail=$(grep -E '^# fail ' "test-output/$2.log" | awk '{print $3}')
  record "$1" "${pass:-0}" "${fail:-0}" "$code"
}

# 2. WASM in Node: conformance vectors, the JS API, the mini-program entry.
node_suite "wasm in node (node --test)" wasm-node tests/wasm/

# 3. `loyalty serve` on loopback: on SQLite, then the same tests on a
# throwaway PostgreSQL (each server its own database).
node_suite "server on sqlite (node --test)" server tests/server/
if pg_url=$(scripts/postgres-for-tests.sh start 2>test-output/postgres.log); then
  LOYALTY_TEST_PG=$pg_url node_suite "server on postgresql (node --test)" server-postgres tests/server/
  scripts/postgres-for-tests.sh stop
else
  cat test-output/postgres.log
  record "server on postgresql (node --test)" 0 1 1
fi

# The package's sync client in each host it ships for (browser, WeChat,
# Douyin, Alipay, on fake platforms) against `loyalty serve`.
node_suite "sync client (node --test)" sync tests/sync/

# 4. The mini-program in a WeChat-like host: the loader, the vectors through
# it, and the pages (miniprogram-simulate) synced with `loyalty serve`.
node_suite "mini-program (node --test)" miniprogram tests/miniprogram/

# 5. The web demo in Chromium (screenshots in test-output/screenshots/).
node_suite "web demo in chromium (node --test)" web tests/web/

# 6. Fuzzing: each libFuzzer target for a bounded time under ASan + UBSan
# (scripts/fuzz.sh runs them longer).
scripts/fuzz.sh "${LOYALTY_FUZZ_SECONDS:-60}" 2>&1 | tee test-output/fuzz.log
code=${PIPESTATUS[0]}
clean=$(grep -cE '^fuzz_[a-z]+ +[0-9]+ +0$' test-output/fuzz.log)
record "fuzzing (libFuzzer, ASan+UBSan)" "$clean" "$((4 - clean))" "$code"

# 7. TypeScript (tsconfig.json): the declarations describe the API as users
# call it, the package's HTTP API types and JSON Schemas are those
# generated now from server/openapi.yaml and the declarations, and the
# package's sync client (which both demos use) uses the API as documented.
{
  npx --no-install openapi-typescript server/openapi.yaml -o test-output/http-api.d.ts --silent &&
    { diff -u wasm/http-api.d.ts test-output/http-api.d.ts ||
        { echo "wasm/http-api.d.ts is stale: npm run api-types"; false; }; } &&
    node wasm/schemas.mjs test-output &&
    { { diff -u wasm/program.schema.json test-output/program.schema.json &&
          diff -u wasm/event.schema.json test-output/event.schema.json &&
          diff -u wasm/state.schema.json test-output/state.schema.json; } ||
        { echo "wasm/*.schema.json are stale: npm run schemas"; false; }; } &&
    npx --no-install tsc -p . && npx --no-install tsc -p wasm/sync
} 2>&1 | tee test-output/tsc.log
code=${PIPESTATUS[0]}
record "typescript declarations (tsc)" "$((code == 0 ? 1 : 0))" "$((code == 0 ? 0 : 1))" "$code"

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_passed passed, $total_failed failed"
[[ $failed_suites -eq 0 ]]
