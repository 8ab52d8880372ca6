// A seeded generator (mulberry32) for the benchmarks' inputs: the same
// seed gives the same run, so that two builds measured side by side see
// the same carts and the same members.
//
//   const below = seededRandom(seed);  below(n): an integer in [0, n)
export function seededRandom(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}
