import fc from 'fast-check';
import type { LineSelector, Mechanic, OfferDefinition, OfferLine, Stacking } from '../../../offer-engine';

/**
 * Random baskets and offer sets of every mechanic and stacking class, for the
 * engine's properties (properties.test.ts) and offline = online
 * (test/unit/pos-plugin/offline-offers.test.ts).
 */

export const SKUS = ['A', 'B', 'C', 'D', 'E'];
const sku = fc.constantFrom(...SKUS);
export const category = fc.constantFrom('dairy', 'Drinks', 'beer', 'meat');
const group = fc.constantFrom('g1', 'g2');

export const line: fc.Arbitrary<OfferLine> = fc
  .record({
    sku,
    categories: fc.uniqueArray(category, { maxLength: 2 }),
    groups: fc.uniqueArray(group, { maxLength: 2 }),
    weighed: fc.boolean(),
    count: fc.integer({ min: 1, max: 10 }),
    grams: fc.integer({ min: 1, max: 5000 }),
    unitPriceMinor: fc.integer({ min: 0, max: 5000 }),
    tillDiscount: fc.integer({ min: 0, max: 200 }),
    earnsPoints: fc.boolean(),
  })
  .map((l) => {
    const quantityMilli = l.weighed ? l.grams : l.count * 1000;
    const amount = Math.floor((quantityMilli * l.unitPriceMinor + 500) / 1000);
    return {
      sku: l.sku,
      categories: l.categories,
      groups: l.groups,
      weighed: l.weighed,
      quantityMilli,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: Math.max(0, amount - l.tillDiscount),
      earnsPoints: l.earnsPoints,
    };
  });

const selector: fc.Arbitrary<LineSelector | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ skus: fc.uniqueArray(sku, { minLength: 1, maxLength: 2 }) }),
  fc.record({ categories: fc.uniqueArray(category, { minLength: 1, maxLength: 2 }) }),
  fc.record({ groups: fc.uniqueArray(group, { minLength: 1, maxLength: 1 }) }),
);
const amount = fc.integer({ min: 0, max: 3000 });
const count = fc.integer({ min: 1, max: 4 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

export const mechanic: fc.Arbitrary<Mechanic> = fc.oneof(
  fc.record({ kind: fc.constant('percent_off' as const), target: selector, percent: fc.integer({ min: 1, max: 100 }), capMinor: maybe(amount) }),
  fc.record({ kind: fc.constant('amount_off' as const), target: selector, amountMinor: amount, per: fc.constantFrom('basket' as const, 'unit' as const), capMinor: maybe(amount) }),
  fc.record({ kind: fc.constant('unit_price' as const), target: selector.map((s) => s ?? {}), unitPriceMinor: amount }),
  fc.record({ kind: fc.constant('multi_buy' as const), target: selector.map((s) => s ?? {}), quantity: count, priceMinor: amount, maxApplications: maybe(count) }),
  fc.record({
    kind: fc.constant('buy_get' as const),
    buy: selector.map((s) => s ?? {}),
    buyQuantity: count,
    reward: selector,
    rewardQuantity: count,
    percent: fc.integer({ min: 1, max: 100 }),
    maxApplications: maybe(count),
  }),
  fc.record({
    kind: fc.constant('spend_reward' as const),
    target: selector,
    spendMinor: amount,
    reward: fc.oneof(
      fc.record({ kind: fc.constant('amount_off' as const), amountMinor: amount }),
      fc.record({ kind: fc.constant('free_item' as const), item: selector.map((s) => s ?? {}), quantity: maybe(count) }),
      fc.record({ kind: fc.constant('points' as const), points: fc.integer({ min: 1, max: 500 }) }),
    ),
  }),
  fc.record({ kind: fc.constant('bonus_points' as const), target: selector, multiplierPercent: maybe(fc.integer({ min: 100, max: 500 })), points: maybe(fc.integer({ min: 0, max: 50 })), per: maybe(fc.constantFrom('basket' as const, 'unit' as const)) }),
  fc.record({
    kind: fc.constant('issue_coupon' as const),
    target: selector,
    spendMinor: amount,
    coupon: fc.record({ amountOffMinor: fc.integer({ min: 1, max: 1000 }), validFromDays: fc.integer({ min: 0, max: 14 }), validDays: fc.integer({ min: 1, max: 14 }) }),
  }),
);

export const stacking: fc.Arbitrary<Stacking> = fc.oneof(fc.constant({ class: 'exclusive' as const }), fc.constant({ class: 'combinable' as const }), fc.record({ class: fc.constant('best' as const), group: fc.constantFrom('x', 'y') }));

export const offers: fc.Arbitrary<OfferDefinition[]> = fc.uniqueArray(
  fc.record({
    id: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'),
    name: fc.constant('offer'),
    priority: fc.integer({ min: 0, max: 3 }),
    stacking,
    trigger: fc.constant('automatic' as const),
    mechanic,
  }),
  { selector: (o) => o.id, maxLength: 6 },
);

