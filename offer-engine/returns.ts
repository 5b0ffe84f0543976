import { applyOffers } from './engine';
import type { Mechanic, OfferDefinition, OfferLine, Stacking } from './types';

/**
 * What an offer was at a sale, kept with the sale's use of it: enough to
 * price the goods a shopper keeps after a partial return the way the sale
 * priced them, even if the offer changed since.
 */
export interface OfferTerms {
  id: string;
  name: string;
  priority: number;
  stacking: Stacking;
  mechanic: Mechanic;
  minSpendMinor?: number;
  minQuantityMilli?: number;
}

export function termsOf(def: OfferDefinition): OfferTerms {
  const c = def.conditions ?? {};
  return {
    id: def.id,
    name: def.name,
    priority: def.priority,
    stacking: def.stacking,
    mechanic: def.mechanic,
    ...(c.minSpendMinor !== undefined ? { minSpendMinor: c.minSpendMinor } : {}),
    ...(c.minQuantityMilli !== undefined ? { minQuantityMilli: c.minQuantityMilli } : {}),
  };
}

/**
 * The discount per line that the offers a sale used give the goods kept
 * after a return (docs/offers.md, "Returns"). Only the offers the sale
 * applied take part, with the conditions on the basket (minimum spend or
 * quantity) and without those on the moment or the shopper (schedule,
 * store, tier: they held at the sale). Offers that only gave points or a
 * coupon take nothing off, so they are left out. A multi-buy or buy X get Y
 * that the kept goods no longer complete gives nothing: no free item is kept
 * without its qualifying purchase.
 */
export function keptDiscounts(kept: readonly OfferLine[], terms: readonly OfferTerms[]): number[] {
  const definitions: OfferDefinition[] = terms
    .filter((t) => !pointsOnly(t.mechanic))
    .map((t) => ({
      id: t.id,
      name: t.name,
      priority: t.priority,
      stacking: t.stacking,
      trigger: 'automatic',
      conditions: { ...(t.minSpendMinor !== undefined ? { minSpendMinor: t.minSpendMinor } : {}), ...(t.minQuantityMilli !== undefined ? { minQuantityMilli: t.minQuantityMilli } : {}) },
      mechanic: t.mechanic,
    }));
  if (definitions.length === 0) return kept.map(() => 0);
  const outcome = applyOffers(kept, definitions, { now: new Date(0), timeZone: 'UTC', storeId: null, member: { tierCode: null, segmentIds: [], isFirstPurchase: false } });
  return outcome.lines.map((l) => l.discountMinor);
}

function pointsOnly(m: Mechanic): boolean {
  return m.kind === 'bonus_points' || m.kind === 'issue_coupon' || (m.kind === 'spend_reward' && m.reward.kind === 'points');
}
