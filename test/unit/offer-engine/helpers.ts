import { applyOffers, type Mechanic, type OfferContext, type OfferDefinition, type OfferLine, type OfferOutcome } from '../../../offer-engine';

/** A Tuesday afternoon in Berlin, at store s1, for an anonymous shopper unless a member is given. */
export const anonymous: OfferContext = { now: new Date('2026-03-03T14:00:00Z'), timeZone: 'Europe/Berlin', storeId: 's1', member: null, baseRate: { points: 1, perMinor: 100 } };
export const member: OfferContext = { ...anonymous, member: { tierCode: 'gold', segmentIds: ['families'], isFirstPurchase: false } };

/** `units` whole units of one product at a unit price. */
export function units(sku: string, count: number, unitPriceMinor: number, extra: Partial<OfferLine> = {}): OfferLine {
  return { sku, quantityMilli: count * 1000, unitPriceMinor, amountMinor: count * unitPriceMinor, ...extra };
}

/** A weighed line: grams × price per kg, rounded half up like the pipeline. */
export function weighed(sku: string, grams: number, pricePerKgMinor: number, extra: Partial<OfferLine> = {}): OfferLine {
  return { sku, quantityMilli: grams, unitPriceMinor: pricePerKgMinor, amountMinor: Math.floor((grams * pricePerKgMinor + 500) / 1000), weighed: true, ...extra };
}

export function offer(id: string, mechanic: Mechanic, extra: Partial<OfferDefinition> = {}): OfferDefinition {
  return { id, name: id, priority: 0, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic, ...extra };
}

export function apply(lines: OfferLine[], offers: OfferDefinition[], ctx: OfferContext = anonymous): OfferOutcome {
  return applyOffers(lines, offers, ctx);
}

/** The reason an offer was skipped, or 'applied'. */
export function statusOf(outcome: OfferOutcome, id: string): string {
  if (outcome.applied.some((a) => a.offerId === id)) return 'applied';
  return outcome.skipped.find((s) => s.offerId === id)?.reason ?? 'absent';
}

export const oneTo10 = Array.from({ length: 10 }, (_, i) => i + 1);
