// The same requests as bench_carts.hpp, for the JS side, byte for byte.
const CATEGORIES = ['bread', 'pastry', 'cake', 'drinks'];

export function cartRequest(lines) {
  let out = '{"state":{"member_id":"m-1","growth":800},"at":1795276800000,"cart":{"lines":[';
  for (let i = 0; i < lines; ++i) {
    if (i) out += ',';
    out += `{"sku":"sku-${i}","category":"${CATEGORIES[i % 4]}","unit_price":${1000 + 37 * i},"quantity":${1 + (i % 3)}}`;
  }
  return `${out}]}}`;
}
