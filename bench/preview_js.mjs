// preview_order through the JS API (WASM in Node): the object API (what a
// web developer calls) and the text API (no JSON.parse/stringify on our side).
// Prints JSON: { name: ns_per_op } — medians of repeated timed batches.
import { readFileSync } from 'node:fs';

import { createLoyaltyCore } from '@loyalty-core/wasm';

import { cartRequest } from './carts.mjs';
import { measure } from './timing.mjs';

const root = new URL('..', import.meta.url);
const program = readFileSync(new URL('programs/bakery.json', root), 'utf8');

const t0 = process.hrtime.bigint();
const core = await createLoyaltyCore({ program });
const startupNs = Number(process.hrtime.bigint() - t0);

const results = { 'JsStartup(instantiate+load bakery)': startupNs };
for (const lines of [3, 50]) {
  const text = cartRequest(lines);
  const object = JSON.parse(text);
  results[`JsPreviewObject/${lines}`] = await measure(() => core.previewOrder(object));
  results[`JsPreviewText/${lines}`] = await measure(() => core.text.previewOrder(text));
}
// Storefront listings of 100 and 1,000 products: one previewListing call
// against one previewOrder per product (what a page without the batch call
// would do).
for (const size of [100, 1000]) {
  const listing = JSON.parse(cartRequest(size));
  const products = listing.cart.lines.map((line) => ({ ...line, quantity: 1 }));
  const listingRequest = { state: listing.state, products, at: listing.at };
  results[`JsListingBatch/${size}`] = await measure(() => core.previewListing(listingRequest), 9);
  results[`JsListingPerProduct/${size}`] = await measure(() => {
    for (const line of products) core.previewOrder({ state: listing.state, cart: { lines: [line] }, at: listing.at });
  }, 9);
}
console.log(JSON.stringify(results));
