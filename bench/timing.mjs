// Timing for the JS benchmarks: ns per call, the median over batches that are
// each long enough (20 ms) for the clock, so one slow batch moves nothing.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// `batch(n)` makes n calls and answers the ns they took (or a promise of it):
// awaited once per batch, never per call.
async function perCall(batch, batches, minBatchNs) {
  let n = 1;
  while ((await batch(n)) < minBatchNs) n *= 2;
  const samples = [];
  for (let b = 0; b < batches; ++b) samples.push((await batch(n)) / n);
  return median(samples);
}

// For a synchronous fn: nothing but the calls in the timed loop.
export function measure(fn, batches = 25, minBatchNs = 20e6) {
  return perCall((n) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; ++i) fn();
    return Number(process.hrtime.bigint() - t0);
  }, batches, minBatchNs);
}

// For a fn that returns a promise (json-rules-engine runs are async).
export function measureAsync(fn, batches = 25, minBatchNs = 20e6) {
  return perCall(async (n) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; ++i) await fn();
    return Number(process.hrtime.bigint() - t0);
  }, batches, minBatchNs);
}
