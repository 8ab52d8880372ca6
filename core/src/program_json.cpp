// Programme JSON -> Program, reporting every problem with its path.
#include <algorithm>

#include "json_reader.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

constexpr std::int64_t kMaxRateTerm = 1000000000000;  // 10^12

std::optional<Currency> read_currency(ValueReader& reader, const Json& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  Currency currency;
  const Json* code = obj.field("code", true);
  if (code) {
    auto s = reader.string(*code, obj.path_of("code"), 3);
    const bool iso = s && s->size() == 3 &&
                     std::all_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (s && !iso) {
      reader.error("value.invalid_currency", "must be an ISO 4217 code such as \"CNY\"",
                   obj.path_of("code"));
    }
    if (iso) currency.code = *s;
  }
  auto minor = obj.integer("minor_units", true, 0, 4);
  obj.finish();
  if (!obj.valid() || currency.code.empty() || !minor) return std::nullopt;
  currency.minor_units = static_cast<std::int32_t>(*minor);
  return currency;
}

std::optional<EarnRate> read_rate(ValueReader& reader, const Json& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  auto earn = obj.integer("earn", true, 0, kMaxRateTerm);
  auto per = obj.integer("per_minor", true, 1, kMaxRateTerm);
  auto rounding = obj.rounding("rounding", true);
  obj.finish();
  if (!earn || !per || !rounding) return std::nullopt;
  return EarnRate{*earn, *per, *rounding};
}

// Records id -> index; an id already taken is reported as `code`.
void index_id(ValueReader& reader, std::map<std::string, std::size_t, std::less<>>& index,
              const std::string& id, std::size_t i, const char* code, const std::string& path) {
  if (!index.emplace(id, i).second) {
    reader.error(code, "id \"" + id + "\" is used twice", path);
  }
}

void read_tiers(ValueReader& reader, const Json& v, const std::string& path, Program& program) {
  if (!reader.is_array(v, path, kMaxTiers)) return;
  if (v.empty()) {
    reader.error("tiers.empty", "must hold at least one tier", path);
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    ObjectReader obj(reader, v[i], index_path(path, i));
    Tier tier;
    auto id = obj.identifier("id", true);
    auto name = obj.localized_text("name", true);
    auto threshold = obj.integer("threshold", true, 0, kMaxSafeInteger);
    auto multiplier = obj.integer("points_multiplier_bp", false, 0, kMaxMultiplierBp);
    auto discount = obj.integer("discount_bp", false, 0, kBasisPoints);
    obj.finish();
    if (id) {
      index_id(reader, program.tier_by_id, *id, i, "tiers.duplicate_id", obj.path_of("id"));
      tier.id = *id;
    }
    if (name) tier.name = *name;
    if (threshold) {
      if (i == 0 && *threshold != 0) {
        reader.error("tiers.first_threshold", "must be 0: every member holds the first tier",
                     obj.path_of("threshold"));
      }
      if (i > 0 && *threshold <= program.tiers[i - 1].threshold) {
        reader.error("tiers.threshold_order",
                     "must be greater than " + index_path(path, i - 1) + ".threshold (" +
                         std::to_string(program.tiers[i - 1].threshold) + ")",
                     obj.path_of("threshold"));
      }
      tier.threshold = *threshold;
    }
    if (multiplier) tier.points_multiplier_bp = *multiplier;
    if (discount) tier.discount_bp = *discount;
    program.tiers.push_back(std::move(tier));  // even when invalid: index i names v[i]
  }
}

void read_categories(ValueReader& reader, const Json& v, const std::string& path,
                     Program& program) {
  if (!reader.is_array(v, path, kMaxCategories)) return;
  if (v.empty()) {
    reader.error("categories.empty", "must hold at least one category", path);
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    ObjectReader obj(reader, v[i], index_path(path, i));
    Category category;
    auto id = obj.identifier("id", true);
    auto name = obj.localized_text("name", false);
    auto multiplier = obj.integer("multiplier_bp", false, 0, kMaxMultiplierBp);
    obj.finish();
    if (id) {
      index_id(reader, program.category_by_id, *id, i, "categories.duplicate_id",
               obj.path_of("id"));
      category.id = *id;
    }
    if (name) category.name = *name;
    if (multiplier) category.multiplier_bp = *multiplier;
    program.categories.push_back(std::move(category));  // even when invalid
  }
}

void read_earning(ValueReader& reader, const Json& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  if (const Json* points = obj.field("points", true)) {
    if (auto rate = read_rate(reader, *points, obj.path_of("points"))) program.points = *rate;
  }
  if (const Json* growth = obj.field("growth", false)) {
    program.growth = read_rate(reader, *growth, obj.path_of("growth"));
  }
  if (const Json* categories = obj.field("categories", true)) {
    read_categories(reader, *categories, obj.path_of("categories"), program);
  }
  if (const Json* combine = obj.field("combine", true)) {
    auto s = reader.string(*combine, obj.path_of("combine"), 16);
    if (s && *s == "multiply") {
      program.combine = MultiplierCombine::multiply;
    } else if (s && *s == "add") {
      program.combine = MultiplierCombine::add;
    } else if (s) {
      reader.error("value.unknown_combine", "must be multiply or add", obj.path_of("combine"));
    }
  }
  obj.finish();
}

}  // namespace

Result<Program> program_from_json(const Json& json) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, "");
  if (!obj.valid()) return errors;
  Program program;

  if (auto schema = obj.integer("schema_version", true, 0, kMaxSafeInteger)) {
    if (*schema != 1) {
      reader.error("program.unsupported_schema", "this core reads schema_version 1",
                   "schema_version");
    }
  }
  if (auto id = obj.identifier("id", true)) program.id = *id;
  if (auto version = obj.integer("version", true, 1, kMaxSafeInteger)) program.version = *version;
  if (auto name = obj.localized_text("name", true)) program.name = *name;
  if (const Json* currency = obj.field("currency", true)) {
    if (auto c = read_currency(reader, *currency, "currency")) program.currency = *c;
  }
  // UTC-12:00 .. UTC+14:00: every offset in use on Earth.
  if (auto offset = obj.integer("utc_offset_minutes", true, -720, 840)) {
    program.utc_offset_minutes = static_cast<std::int32_t>(*offset);
  }
  if (const Json* tiers = obj.field("tiers", true)) read_tiers(reader, *tiers, "tiers", program);
  if (const Json* earning = obj.field("earning", true)) {
    read_earning(reader, *earning, "earning", program);
  }

  const bool discounts = std::any_of(program.tiers.begin(), program.tiers.end(),
                                     [](const Tier& t) { return t.discount_bp > 0; });
  const Json* discount = obj.field("discount", false);
  if (discount) {
    ObjectReader d(reader, *discount, "discount");
    if (auto r = d.rounding("rounding", true)) program.discount_rounding = *r;
    d.finish();
  } else if (discounts) {
    reader.error("field.missing",
                 "is required when a tier has discount_bp: name how discounts round", "discount");
  }
  obj.finish();

  if (!errors.empty()) return errors;
  return program;
}

}  // namespace loyalty
