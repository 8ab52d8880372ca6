// Applies one of apply_bench.cpp's streams a given number of times, for an
// instruction count (bench/apply_instructions.sh): unlike time, a count does
// not move with what else the machine runs. `once` applies each event with
// an outcome of its own, as a single call does; by default the loop reuses
// one, as a replay does.
//
//   bench_apply_count mixed36|mixed3|time_passes|checkin|like REPETITIONS [once]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "apply_streams.hpp"
#include "loyalty/apply.hpp"

int main(int argc, char** argv) {
  using namespace apply_streams;
  const std::string stream = argc > 1 ? argv[1] : "";
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 0;
  const bool once = argc > 3 && std::string(argv[3]) == "once";
  std::vector<loyalty::Event> events;
  const loyalty::Program* program = &bakery();
  if (stream == "mixed36" || stream == "mixed3") {
    events = mixed_stream(1000, (stream == "mixed36" ? 36 : 3) * kHour);
    program = &coffee();
  } else if (stream == "time_passes") {
    events = small_stream(loyalty::EventKind::time_passes, 1000);
  } else if (stream == "checkin") {
    events = small_stream(loyalty::EventKind::checkin, 1000);
  } else if (stream == "like") {
    events = small_stream(loyalty::EventKind::like, 1000);
  }
  if (events.empty() || repetitions < 0) {
    std::fprintf(stderr, "usage: %s mixed36|mixed3|time_passes|checkin|like REPETITIONS [once]\n", argv[0]);
    return 2;
  }
  long accepted = 0;
  loyalty::Applied applied;
  for (int r = 0; r < repetitions; ++r) {
    loyalty::MemberState state;
    state.member_id = "m-1";
    state.joined_at = kStart;
    for (const loyalty::Event& e : events) {
      const bool ok = once ? loyalty::apply_in_place(*program, state, e).ok()
                           : !loyalty::apply_in_place(*program, state, e, applied);
      accepted += ok ? 1 : 0;
    }
  }
  std::printf("%ld events accepted\n", accepted);
  return 0;
}
