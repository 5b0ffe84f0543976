import fc from 'fast-check';
import { applyOffers, type LineSelector, type Mechanic, type OfferContext, type OfferDefinition, type OfferLine, type OfferOutcome, type Stacking } from '../../../offer-engine';
import { member } from './helpers';

/**
 * Properties of the engine over random baskets and random offer sets of every
 * mechanic and stacking class (issue 9, "Done when"): the discount is never
 * above the line totals, no total goes negative, the answer is deterministic,
 * line and definition order do not matter, and the line shares add up.
 */

const SKUS = ['A', 'B', 'C', 'D', 'E'];
const sku = fc.constantFrom(...SKUS);
const category = fc.constantFrom('dairy', 'Drinks', 'beer', 'meat');
const group = fc.constantFrom('g1', 'g2');

const line: fc.Arbitrary<OfferLine> = fc
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

const mechanic: fc.Arbitrary<Mechanic> = fc.oneof(
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

const stacking: fc.Arbitrary<Stacking> = fc.oneof(fc.constant({ class: 'exclusive' as const }), fc.constant({ class: 'combinable' as const }), fc.record({ class: fc.constant('best' as const), group: fc.constantFrom('x', 'y') }));

const offers: fc.Arbitrary<OfferDefinition[]> = fc.uniqueArray(
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

const baskets = fc.array(line, { minLength: 1, maxLength: 8 });
const contexts: fc.Arbitrary<OfferContext> = fc.constantFrom(member, { ...member, member: null });

/** A line's outcome tied to its content, so outcomes of permuted baskets compare. */
function byContent(lines: OfferLine[], out: OfferOutcome): string[] {
  return lines.map((l, i) => JSON.stringify([l, out.lines[i]])).sort();
}

/** The outcome without line positions. */
function summary(out: OfferOutcome) {
  return {
    discountMinor: out.discountMinor,
    points: out.points,
    applied: out.applied.map((a) => ({ ...a, lines: a.lines.length })),
    skipped: out.skipped,
    coupons: out.coupons,
  };
}

describe('offer engine properties', () => {
  it('never discounts a line below zero, so no total is ever negative', () => {
    fc.assert(
      fc.property(baskets, offers, contexts, (lines, defs, ctx) => {
        const out = applyOffers(lines, defs, ctx);
        out.lines.forEach((l, i) => {
          expect(l.discountMinor).toBeGreaterThanOrEqual(0);
          expect(l.discountMinor).toBeLessThanOrEqual(lines[i].amountMinor);
          expect(l.points).toBeGreaterThanOrEqual(0);
        });
        const total = lines.reduce((sum, l) => sum + l.amountMinor, 0);
        expect(out.discountMinor).toBeLessThanOrEqual(total);
        expect(total - out.discountMinor).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 400 },
    );
  });

  it('the line shares add up to each offer’s discount and to the basket’s', () => {
    fc.assert(
      fc.property(baskets, offers, contexts, (lines, defs, ctx) => {
        const out = applyOffers(lines, defs, ctx);
        expect(out.lines.reduce((sum, l) => sum + l.discountMinor, 0)).toBe(out.discountMinor);
        for (const a of out.applied) {
          expect(a.lines.reduce((sum, l) => sum + l.discountMinor, 0)).toBe(a.discountMinor);
          expect(Number.isInteger(a.discountMinor)).toBe(true);
        }
        expect(out.applied.reduce((sum, a) => sum + a.discountMinor, 0)).toBe(out.discountMinor);
        expect(out.applied.reduce((sum, a) => sum + a.points, 0)).toBe(out.points);
        // The generated offers are all well-formed, so none is skipped as invalid.
        expect(out.skipped.filter((x) => x.reason === 'INVALID_DEFINITION')).toEqual([]);
        // Every offer is either applied or skipped, once.
        expect([...out.applied.map((a) => a.offerId), ...out.skipped.map((s) => s.offerId)].sort()).toEqual(defs.map((d) => d.id).sort());
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(baskets, offers, contexts, (lines, defs, ctx) => {
        expect(applyOffers(lines, defs, ctx)).toEqual(applyOffers(structuredClone(lines), structuredClone(defs), ctx));
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the lines or of the definitions', () => {
    fc.assert(
      fc.property(
        baskets.chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }))),
        offers.chain((defs) => fc.tuple(fc.constant(defs), fc.shuffledSubarray(defs, { minLength: defs.length, maxLength: defs.length }))),
        contexts,
        ([lines, shuffledLines], [defs, shuffledDefs], ctx) => {
          const a = applyOffers(lines, defs, ctx);
          const b = applyOffers(shuffledLines, shuffledDefs, ctx);
          expect(summary(b)).toEqual(summary(a));
          expect(byContent(shuffledLines, b)).toEqual(byContent(lines, a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on lines a till should never send', () => {
    const junkLine = fc.record({
      sku: fc.anything(),
      categories: fc.anything(),
      groups: fc.anything(),
      quantityMilli: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      unitPriceMinor: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      amountMinor: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      weighed: fc.anything(),
    });
    fc.assert(
      fc.property(fc.array(junkLine, { maxLength: 5 }), offers, (lines, defs) => {
        const out = applyOffers(lines as unknown as OfferLine[], defs, member);
        expect(out.discountMinor).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws, even on definitions a till should never hold', () => {
    fc.assert(
      fc.property(baskets, fc.array(fc.anything(), { maxLength: 4 }), (lines, junk) => {
        const out = applyOffers(lines, junk as OfferDefinition[], member);
        expect(out.discountMinor).toBe(0);
        expect(out.skipped.every((s) => s.reason === 'INVALID_DEFINITION')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
