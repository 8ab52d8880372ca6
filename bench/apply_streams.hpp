// The event streams apply() is measured on, shared by the timed benchmarks
// (apply_bench.cpp) and the instruction count (apply_count.cpp).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "loyalty/engine.hpp"
#include "loyalty/event.hpp"

namespace apply_streams {

inline loyalty::Program load_program(const std::string& name) {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return loyalty::Engine::load(text.str()).value().program();
}

inline const loyalty::Program& coffee() {
  static const loyalty::Program p = load_program("coffee.json");
  return p;
}

inline const loyalty::Program& bakery() {
  static const loyalty::Program p = load_program("bakery.json");
  return p;
}

constexpr loyalty::TimeMs kStart = 1767196800000;  // 2026-01-01 local
constexpr loyalty::TimeMs kHour = 3600000;

// A very active member's events, one every `spacing`: orders, a redemption,
// a partial refund and the passage of time. The state carries what the rules
// keep (orders for the 90-day refund window, a year of lots), so the spacing
// sets how large the state is.
inline std::vector<loyalty::Event> mixed_stream(int n, loyalty::TimeMs spacing) {
  std::vector<loyalty::Event> events;
  loyalty::TimeMs at = kStart;
  for (int i = 0; i < n; ++i) {
    loyalty::Event e;
    e.id = "e" + std::to_string(i);
    e.at = at += spacing;
    switch (i % 10) {
      case 3:
        e.kind = loyalty::EventKind::redeem;
        e.points = 3;
        e.reward_id = "cookie";
        break;
      case 6:
        e.kind = loyalty::EventKind::refund;
        e.order_id = "o" + std::to_string(i - 1);
        e.refund_lines.push_back({0, 1});
        break;
      case 9:
        e.kind = loyalty::EventKind::time_passes;
        break;
      default:
        e.kind = loyalty::EventKind::order;
        e.order_id = "o" + std::to_string(i);
        e.cart.lines = {{"latte", 0, 3200, 2}, {"bagel", 2, 1500, 1}};
    }
    events.push_back(std::move(e));
  }
  return events;
}

// A new member's events of one kind, one after another: time passing
// (hourly), daily check-ins, likes of new articles (five a day, the
// bakery's cap). The state stays small.
inline std::vector<loyalty::Event> small_stream(loyalty::EventKind kind, int n) {
  std::vector<loyalty::Event> events;
  for (int i = 0; i < n; ++i) {
    loyalty::Event e;
    e.id = "e" + std::to_string(i);
    e.kind = kind;
    const loyalty::TimeMs step = kind == loyalty::EventKind::checkin ? 24 * kHour : kind == loyalty::EventKind::like ? 4 * kHour + 1 : kHour;
    e.at = kStart + (i + 1) * step;
    e.article = "a" + std::to_string(i);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace apply_streams
