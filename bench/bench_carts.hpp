// The carts every preview benchmark prices, so native and JS numbers compare.
// bench/carts.mjs builds the same requests for the JS side.
#pragma once

#include <string>

namespace bench {

inline std::string cart_request(int lines) {
  static const char* categories[] = {"bread", "pastry", "cake", "drinks"};
  std::string out = R"({"state":{"member_id":"m-1","growth":800},"at":1795276800000,"cart":{"lines":[)";
  for (int i = 0; i < lines; ++i) {
    if (i) out += ",";
    out += R"({"sku":"sku-)" + std::to_string(i) + R"(","category":")" + categories[i % 4] +
           R"(","unit_price":)" + std::to_string(1000 + 37 * i) + R"(,"quantity":)" +
           std::to_string(1 + i % 3) + "}";
  }
  return out + "]}}";
}

}  // namespace bench
