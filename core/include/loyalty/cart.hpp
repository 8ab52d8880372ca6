// A cart as the storefront sees it before checkout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loyalty {

struct CartLine {
  std::string sku;
  std::size_t category = 0;  // index into Program::categories
  std::int64_t unit_price = 0;  // minor units
  std::int64_t quantity = 1;
};

struct Cart {
  std::vector<CartLine> lines;
};

inline constexpr std::size_t kMaxCartLines = 1000;
inline constexpr std::size_t kMaxSkuBytes = 128;  // UTF-8
inline constexpr std::int64_t kMaxQuantity = 1000000;

}  // namespace loyalty
