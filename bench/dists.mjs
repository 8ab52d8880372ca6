// Builds of the package side by side: the dist folders named on the command
// line (this checkout's wasm/dist when none is), each with its own core.
import { fileURLToPath } from 'node:url';

/** The dist folders in `args`, or this checkout's. */
export function distsFrom(args) {
  return args.length ? args : [fileURLToPath(new URL('../wasm/dist', import.meta.url))];
}

/** The core of the build in `dir`, on `program` (JSON text or object). */
export async function coreFrom(dir, program) {
  const { createLoyaltyCore } = await import(`${dir}/loyalty-core.node.mjs`);
  return createLoyaltyCore({ program, wasmPath: `${dir}/loyalty-core.wasm` });
}
