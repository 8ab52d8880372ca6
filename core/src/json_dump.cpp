// json_text: a DOM as canonical text through the core's own writer, so that
// the module carries no second serializer (nlohmann's, with its
// floating-point printer) for the few outputs built as a tree: the
// normalised programme, rewards, a number quoted in an error.
#include <cassert>

#include "json_writer.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

namespace {

void write(JsonWriter& w, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      w.begin_object();
      for (const auto& [key, member] : v.items()) {
        w.key(key);
        write(w, member);
      }
      w.end_object();
      return;
    case Json::value_t::array:
      w.begin_array();
      for (const Json& item : v) write(w, item);
      w.end_array();
      return;
    case Json::value_t::string: w.value(v.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: w.value(v.get<bool>()); return;
    case Json::value_t::number_integer: w.value(v.get<std::int64_t>()); return;
    case Json::value_t::number_unsigned: w.raw(std::to_string(v.get<std::uint64_t>())); return;
    // No DOM the core writes holds a fraction (inputs with one are refused
    // before anything is built from them), and the module has no
    // floating-point formatter: one would be written as null.
    case Json::value_t::number_float: assert(false && "json_text: a fraction"); w.null(); return;
    default: w.null(); return;
  }
}

}  // namespace

std::string json_text(const Json& value) {
  JsonWriter w;
  write(w, value);
  return w.take();
}

}  // namespace loyalty
