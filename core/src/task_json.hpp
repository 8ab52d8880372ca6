// Tasks and games at the JSON edge: the programme's task rules and a
// member's task state, read with every error collected and written in
// canonical form. Internal to the core.
#pragma once

#include <string>

#include "json_reader.hpp"
#include "json_writer.hpp"
#include "loyalty/program.hpp"
#include "loyalty/task_state.hpp"

namespace loyalty {

void read_task_rules(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path, Program& program);
void write_task_rules(JsonWriter& w, const Program& program);
Reward read_reward(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path);
void write_reward(JsonWriter& w, const Reward& reward);

// The programme's "segments" (segments_json.cpp), read after the tiers and
// before what names them; and the "segments" list of a task, box or mall item.
void read_segments(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path, Program& program);
void read_experiment(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path, Program& program);
void write_experiment(JsonWriter& w, const Experiment& experiment);
void write_segments(JsonWriter& w, const Program& program);
std::vector<std::size_t> read_segment_list(json_reader::ValueReader& reader, json_reader::ObjectReader& obj,
                                           const Program& program);
void write_segment_list(JsonWriter& w, const Program& program, const std::vector<std::size_t>& segments);
// The "tiers" list of a mall item or a campaign: ids of the programme's tiers.
std::vector<std::size_t> read_tier_list(json_reader::ValueReader& reader, json_reader::ObjectReader& obj,
                                        const Program& program, const char* unknown_code);
void write_tier_list(JsonWriter& w, const Program& program, const std::vector<std::size_t>& tiers);

// The programme's "mall" section (mall_json.cpp); tiers are read before it.
void read_mall_rules(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path, Program& program);
void write_mall_rules(JsonWriter& w, const Program& program);
const char* makeup_pays_name(MakeupPays pays);  // "streak", "day_reward"

// Points spent from lots, kept to give them back as they were (state_json.cpp).
void read_redeemed_parts(json_reader::ValueReader& reader, json_reader::ObjectReader& obj, std::string_view key,
                         std::vector<RedeemedPart>& into);
void write_redeemed_parts(JsonWriter& w, const std::vector<RedeemedPart>& parts);

void read_task_state(json_reader::ValueReader& reader, const JsonValue& json, const std::string& path, TaskState& state);
void write_task_state(JsonWriter& w, const TaskState& state);
// Mall redemptions in the order they were made, as apply() keeps them (limits scan from the newest).
void put_in_time_order(std::vector<MallRedemption>& mall);

// A cycle as check-ins make it: it begins with its first day, its make-ups
// are among its days, and no day is after the state's clock (state_json.cpp).
void check_checkin_cycle(json_reader::ValueReader& reader, const CheckinCycle& cycle, std::int64_t clock_day,
                         const std::string& path);

}  // namespace loyalty
