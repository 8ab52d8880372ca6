// Joins the native (Google Benchmark JSON) and JS results of one run into the
// table bench.sh prints and appends to bench/RESULTS.md.
//   node report.mjs native.json js.json store.json sync.json sync-pg.json web.json engines.json
import { readFileSync } from 'node:fs';

const [nativeFile, jsFile, storeFile, syncFile, syncPgFile, webFile, enginesFile] = process.argv.slice(2);
const benchmarks = JSON.parse(readFileSync(nativeFile, 'utf8')).benchmarks
  .filter((b) => b.run_type !== 'aggregate' || b.aggregate_name === 'median');
const native = Object.fromEntries(benchmarks.map((b) => [b.run_name ?? b.name, b.real_time * { ns: 1, us: 1e3, ms: 1e6 }[b.time_unit]]));
const perSecond = Object.fromEntries(benchmarks.map((b) => [b.run_name ?? b.name, b.items_per_second]));
const js = JSON.parse(readFileSync(jsFile, 'utf8'));

const us = (ns) => (ns / 1000).toFixed(ns < 10000 ? 2 : 1);
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
const rows = [];
for (const lines of [3, 50]) {
  const structs = native[`PreviewOrderStructs/${lines}`];
  const json = native[`PreviewOrderJson/${lines}`];
  const obj = js[`JsPreviewObject/${lines}`];
  const text = js[`JsPreviewText/${lines}`];
  rows.push(`| ${lines}-line cart | ${us(structs)} | ${us(json)} | ${us(text)} | ${us(obj)} | ${ratio(obj, json)} | ${ratio(obj, structs)} |`);
}
console.log('| preview_order | native structs µs | native JSON µs | JS text API µs | JS object API µs | JS object ÷ native JSON | JS object ÷ native structs |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(rows.join('\n'));
console.log();
for (const size of [100, 1000]) {
  const batch = js[`JsListingBatch/${size}`];
  const each = js[`JsListingPerProduct/${size}`];
  console.log(`Badges for a ${size.toLocaleString('en')}-product listing (JS object API): one previewListing ${us(batch)} µs, `
    + `${size.toLocaleString('en')} previewOrder calls ${us(each)} µs (${ratio(each, batch)}).`);
}
console.log();
console.log(`Start-up in Node (instantiate the module, load bakery.json): ${(js['JsStartup(instantiate+load bakery)'] / 1e6).toFixed(2)} ms`);
console.log();
console.log('| apply (native, one core) | result |');
console.log('| --- | ---: |');
const k = (n) => `${Math.round(n / 1000)}k events/s`;
console.log(`| mixed stream, an event every 36 h (~20 a month) | ${k(perSecond['ApplyMixedStream/36'])} |`);
console.log(`| mixed stream, an event every 3 h (a large state: ~700 orders kept for refunds) | ${k(perSecond['ApplyMixedStream/3'])} |`);
for (const lots of [10, 1000, 100000]) {
  console.log(`| one time_passes with ${lots.toLocaleString('en')} lots held | ${us(native[`ApplyWithLots/${lots}`])} µs |`);
}

// The sync server beside the raw rate of the same writes (its ceiling here).
const stores = JSON.parse(readFileSync(storeFile, 'utf8')).benchmarks
  .filter((b) => b.aggregate_name === 'median' || b.run_type === 'iteration');
// e.g. "StoreDurableEventPostgres/min_time:2.000/real_time/threads:8"
const ceilingOf = (name, threads = 1) => stores.find((b) => {
  const parts = (b.run_name ?? b.name).split('/');
  return parts[0] === name && (parts.find((p) => p.startsWith('threads:')) ?? 'threads:1') === `threads:${threads}`;
})?.items_per_second;
const syncTable = (title, file, ceiling, ceilingText) => {
  const sync = JSON.parse(readFileSync(file, 'utf8'));
  console.log();
  console.log(`| POST /v1/sync, one-event batches, ${title} | durable events/s | p50 ms | p99 ms | ÷ ceiling |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [clients, r] of Object.entries(sync)) {
    console.log(`| ${clients} concurrent client${clients === '1' ? '' : 's'} | ${r.events_per_s} | ${r.p50_ms} | ${r.p99_ms} | ${(r.events_per_s / ceiling).toFixed(2)} |`);
  }
  console.log(`| ceiling: ${ceilingText} | ${Math.round(ceiling)} | | | 1.00 |`);
};
syncTable('SQLite (WAL, synchronous=FULL)', syncFile, ceilingOf('StoreDurableEvent'),
  'the same writes straight into the store, no HTTP, no core');
syncTable('PostgreSQL 15 on loopback (synchronous_commit on)', syncPgFile, ceilingOf('StoreDurableEventPostgres', 8),
  'the same writes straight into the store from 8 threads, no HTTP, no core');
console.log(`| (the same from 1 thread) | ${Math.round(ceilingOf('StoreDurableEventPostgres'))} | | | |`);
console.log();
console.log('The load clients (Node fetch) run on the same two cores as the server.');

// The web demo in Chromium, served by the same release build.
const web = JSON.parse(readFileSync(webFile, 'utf8'));
const ms = (x) => x.toFixed(1);
console.log();
console.log(`| web demo in Chromium (median of ${web.first_preview_ms.loads} loads) | first visit (empty cache) ms | reload ms |`);
console.log('| --- | ---: | ---: |');
console.log(`| navigation → first rendered preview, storefront | ${ms(web.first_preview_ms.cold)} | ${ms(web.first_preview_ms.warm)} |`);
console.log(`| navigation → first rendered preview, member centre | ${ms(web.first_preview_ms_member.cold)} | ${ms(web.first_preview_ms_member.warm)} |`);
console.log();
console.log(`Start-up in Chromium, a fresh context each (median of ${web.startup_ms.loads}): ours (import, fetch and compile the wasm, load bakery.json) `
  + `${ms(web.startup_ms.ours)} ms, zen-engine-wasm (import, fetch and compile, init) ${ms(web.startup_ms.zen)} ms.`);
const sum = (key, pick = () => true) => web.transfer.filter(pick).reduce((n, f) => n + f[key], 0);
const core = (f) => f.path.startsWith('/pkg/');
console.log();
console.log('| storefront fetches (bytes) | as transferred | raw | gzip -9 |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| core: wasm + glue | ${sum('transferred', core)} | ${sum('raw', core)} | ${sum('gzip', core)} |`);
console.log(`| demo page modules | ${sum('transferred', (f) => !core(f))} | ${sum('raw', (f) => !core(f))} | ${sum('gzip', (f) => !core(f))} |`);
const l = web.listing;
console.log();
console.log(`A ${l.badges}-product listing in the page: all widgets re-rendered on a member change in ${ms(l.rerender_ms)} ms `
  + `(badges from one previewListing call); the core alone: one previewListing ${(l.batch_ms * 1000).toFixed(0)} µs, `
  + `100 previewOrder calls ${(l.per_product_ms * 1000).toFixed(0)} µs (${ratio(l.per_product_ms, l.batch_ms)}). Chromium's timer is coarse (0.1 ms).`);

// Beside the engines a web developer would otherwise pick (bench/js_engines.mjs).
const engines = JSON.parse(readFileSync(enginesFile, 'utf8'));
console.log();
console.log(`The same earning rules (bench/earning-rules.json) in each engine; all gave the same points on ${engines.agreed_carts.toLocaleString('en')} random carts first.`);
console.log();
console.log('| preview in Node, µs | ours, object API | ours, text API | ours, session points() | ours, session previewOrder | zen-engine-wasm | json-rules-engine | hand-written JS | zen ÷ session | json-rules-engine ÷ session | session ÷ hand-written |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [lines, r] of Object.entries(engines.preview_ns)) {
  console.log(`| ${lines}-line cart | ${us(r.ours_object)} | ${us(r.ours_text)} | ${us(r.ours_session_points)} | ${us(r.ours_session_preview)} | ${us(r.zen)} `
    + `| ${us(r.json_rules_engine)} | ${us(r.hand_written)} | ${ratio(r.zen, r.ours_session_points)} `
    + `| ${ratio(r.json_rules_engine, r.ours_session_points)} | ${ratio(r.ours_session_points, r.hand_written)} |`);
}
const h = engines.history;
console.log();
console.log(`A member with a year of history on programs/coffee.json (${h.state_bytes.toLocaleString('en')} bytes of state: `
  + `${h.lots} lots, ${h.orders} orders kept for refunds, ${h.activity_days} activity days), 3-line cart:`);
console.log();
console.log('| in Node, µs | stateless | session | stateless ÷ session |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| points of a cart, new member | | ${us(h.ns.session_points_new_member)} | |`);
console.log(`| points of a cart (previewOrder's points) | ${us(h.ns.stateless_preview_order)} | ${us(h.ns.session_points)} | ${ratio(h.ns.stateless_preview_order, h.ns.session_points)} |`);
console.log(`| previewOrder, full detail | ${us(h.ns.stateless_preview_order)} | ${us(h.ns.session_preview_order)} | ${ratio(h.ns.stateless_preview_order, h.ns.session_preview_order)} |`);
console.log(`| tierProgress (asked again the same day: the kept answer) | ${us(h.ns.stateless_tier_progress)} | ${us(h.ns.session_tier_progress)} | ${ratio(h.ns.stateless_tier_progress, h.ns.session_tier_progress)} |`);
console.log(`| tierProgress (another day each call: written and read anew) | ${us(h.ns.stateless_tier_progress)} | ${us(h.ns.session_tier_progress_new_day)} | ${ratio(h.ns.stateless_tier_progress, h.ns.session_tier_progress_new_day)} |`);
console.log(`| tierProgress (a day later each call, 60 days, then again) | ${us(h.ns.stateless_tier_progress)} | ${us(h.ns.session_tier_progress_next_day)} | ${ratio(h.ns.stateless_tier_progress, h.ns.session_tier_progress_next_day)} |`);
console.log(`| core.member(state) (open, then close) | | ${us(h.ns.session_open)} | |`);
console.log(`| core.member(bytes), the binary snapshot of ${h.snapshot_bytes} bytes (open, then close) | | ${us(h.ns.session_open_snapshot)} | |`);
console.log(`| member.snapshot() | | ${us(h.ns.session_snapshot)} | |`);
console.log(`| previewListing, 1,000 products | | ${us(h.ns.session_listing_1000)} | |`);
console.log();
console.log(`Start-up in Node, a fresh process each (median of 9): ours (instantiate, load the rules) ${ms(engines.startup_ms.ours)} ms, `
  + `zen-engine-wasm (initSync) ${ms(engines.startup_ms.zen)} ms.`);
console.log();
console.log('| size (bytes) | raw | gzip -9 | brotli -q 11 |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, size] of Object.entries(engines.sizes)) console.log(`| ${name} | ${size.raw} | ${size.gzip} | ${size.brotli} |`);
