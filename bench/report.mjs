// Joins the native (Google Benchmark JSON) and JS results of one run into the
// table bench.sh prints and appends to bench/RESULTS.md.
//   node report.mjs native.json js.json
import { readFileSync } from 'node:fs';

const [nativeFile, jsFile] = process.argv.slice(2);
const native = Object.fromEntries(
  JSON.parse(readFileSync(nativeFile, 'utf8')).benchmarks
    .filter((b) => b.run_type !== 'aggregate' || b.aggregate_name === 'median')
    .map((b) => [b.run_name ?? b.name, b.real_time * { ns: 1, us: 1e3, ms: 1e6 }[b.time_unit]]),
);
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
console.log(`Start-up in Node (instantiate the module, load bakery.json): ${(js['JsStartup(instantiate+load bakery)'] / 1e6).toFixed(2)} ms`);
