#!/bin/sh
# Instructions per event of apply() on each stream of bench/apply_bench.cpp,
# counted by callgrind: the difference between 3 and 1 repetitions of the
# 1,000-event stream, so that loading the programme is not counted. Slow
# (about a minute) but the same on a busy machine as on an idle one.
#
#   bench/apply_instructions.sh [build/native-release]
set -eu
build=${1:-build/native-release}
tool="$build/bench/bench_apply_count"
command -v valgrind >/dev/null || { echo "needs valgrind (scripts/setup.sh installs it)" >&2; exit 1; }
[ -x "$tool" ] || { echo "build $tool first: cmake --build $build --target bench_apply_count" >&2; exit 1; }
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$tool" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for stream in mixed36 mixed3 time_passes checkin like; do
  one=$(count "$stream" 1)
  three=$(count "$stream" 3)
  echo "$stream: $(( (three - one) / 2000 )) instructions an event"
done
