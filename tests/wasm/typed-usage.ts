// Compiled with `tsc --noEmit` by scripts/test.sh: the hand-written
// declarations must describe the API as a TypeScript user calls it.
import { createLoyaltyCore, LoyaltyError, type OrderPreview, type ProgramInput } from '@loyalty-core/wasm';

declare const program: ProgramInput;

export async function badge(price: number): Promise<string> {
  const core = await createLoyaltyCore({ program, wasmUrl: '/pkg/loyalty-core.wasm' });
  try {
    const preview: OrderPreview = core.previewOrder({
      state: { growth: 120 },
      cart: { lines: [{ sku: 'baguette', category: 'bread', unit_price: price, quantity: 1 }] },
      at: Date.now(),
    });
    const step = preview.lines[0].steps[1];
    const why = step && step.rule === 'category' ? ` (${step.id} ×${step.multiplier_bp / 10000})` : '';
    const next = preview.progress.next_tier ?? 'top';
    return `earn ${preview.points}${why}; ${preview.progress.growth_needed} to ${next}`;
  } catch (e) {
    if (e instanceof LoyaltyError) return `${e.code} at ${e.path}: ${e.errors.length} problem(s)`;
    throw e;
  }
}

