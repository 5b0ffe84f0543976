import { api } from './http';
import type { Seeded } from './seed';

/**
 * A grocer's offer set for the purchase bench (`--offers N`): N active
 * automatic offers of the usual mechanics on the bench basket's SKUs and
 * categories (bench/purchase/basket.ts), the last two with a budget so sales
 * that apply them lock their counters, as a limited offer does in production.
 */
const TEMPLATES: Record<string, unknown>[] = [
  { mechanic: { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 10 } },
  { mechanic: { kind: 'multi_buy', target: { categories: ['drinks'] }, quantity: 3, priceMinor: 400 } },
  { mechanic: { kind: 'buy_get', buy: { skus: ['7622210449283'] }, buyQuantity: 2, rewardQuantity: 1, percent: 50 } },
  { mechanic: { kind: 'amount_off', target: { skus: ['3017620422003'] }, amountMinor: 50, per: 'unit' } },
  { mechanic: { kind: 'unit_price', target: { skus: ['4011'] }, unitPriceMinor: 199 } },
  { mechanic: { kind: 'bonus_points', target: { categories: ['bakery'] }, multiplierPercent: 200 } },
  { mechanic: { kind: 'spend_reward', spendMinor: 1500, reward: { kind: 'points', points: 20 } } },
  { mechanic: { kind: 'percent_off', target: { categories: ['snacks'] }, percent: 5 }, stacking: { class: 'best', group: 'snacks' } },
  { mechanic: { kind: 'amount_off', target: { categories: ['snacks'] }, amountMinor: 20, per: 'basket' }, stacking: { class: 'best', group: 'snacks' } },
  { mechanic: { kind: 'percent_off', percent: 2, capMinor: 100 }, conditions: { minSpendMinor: 2000 } },
];

function benchOffers(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Bench offer ${i + 1}`,
    priority: count - i,
    ...TEMPLATES[i % TEMPLATES.length],
    ...(i >= count - 2 ? { limits: { budgetMinor: 1_000_000_000 } } : {}),
  }));
}

/** Creates and activates `count` offers through the back-office API. */
export async function activateOffers(seeded: Seeded, count: number): Promise<void> {
  if (!seeded.ownerToken) throw new Error('offers need the owner session of a fresh seed');
  for (const offer of benchOffers(count)) {
    const created = await api<{ id: string }>(seeded.base, 'POST', '/v1/offers', offer, seeded.ownerToken);
    await api(seeded.base, 'POST', `/v1/offers/${created.id}/activate`, undefined, seeded.ownerToken);
  }
}
