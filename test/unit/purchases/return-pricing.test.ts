import fc from 'fast-check';
import { applyOffers, termsOf, type OfferDefinition } from '../../../offer-engine';
import { lineRefund, type LineForReturn } from '../../../src/purchases/return-pricing';

/** The refund of line returns of a sale with offers (docs/offers.md, "Returns and voids"). */

const offer = (id: string, mechanic: OfferDefinition['mechanic']): OfferDefinition => ({ id, name: id, priority: 0, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic });
const threeFor5 = offer('yog', { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 });
const bogo = offer('bread', { kind: 'buy_get', buy: { skus: ['BREAD'] }, buyQuantity: 1, rewardQuantity: 1, percent: 100 });
const tenPercent = offer('dairy', { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 10 });

/** A sale priced by the engine, as the pipeline records it. */
function sale(lines: { sku: string; category?: string; units: number; price: number }[], offers: OfferDefinition[]): LineForReturn[] {
  const priced = applyOffers(
    lines.map((l) => ({ sku: l.sku, categories: l.category ? [l.category] : [], quantityMilli: l.units * 1000, unitPriceMinor: l.price, amountMinor: l.units * l.price })),
    offers,
    { now: new Date(), timeZone: 'UTC', storeId: null, member: null },
  );
  return lines.map((l, i) => ({ lineNo: i + 1, sku: l.sku, category: l.category ?? null, quantityMilli: l.units * 1000, unitPriceMinor: l.price, amountMinor: l.units * l.price, discountMinor: priced.lines[i].discountMinor }));
}
const back = (entries: [number, number][]) => new Map(entries.map(([lineNo, units]) => [lineNo, units * 1000]));

describe('line refunds with offers', () => {
  const yog = sale([{ sku: 'YOG', units: 3, price: 200 }, { sku: 'BREAD', units: 1, price: 250 }], [threeFor5]);
  it.each([
    ['nothing back', [], { allocatedMinor: 0, clawbackMinor: 0, refundMinor: 0 }],
    ['one of "3 for 5.00": 1.67 allocated, 0.67 kept back', [[1, 1]], { allocatedMinor: 167, clawbackMinor: 67, refundMinor: 100 }],
    ['two of them', [[1, 2]], { allocatedMinor: 334, clawbackMinor: 34, refundMinor: 300 }],
    ['all three', [[1, 3]], { allocatedMinor: 500, clawbackMinor: 0, refundMinor: 500 }],
    ['the bread only', [[2, 1]], { allocatedMinor: 250, clawbackMinor: 0, refundMinor: 250 }],
    ['everything', [[1, 3], [2, 1]], { allocatedMinor: 750, clawbackMinor: 0, refundMinor: 750 }],
  ] as [string, [number, number][], object][])('3 for 5.00 yoghurt and bread: %s', (_name, returned, expected) => {
    expect(lineRefund(yog, back(returned), [termsOf(threeFor5)], [])).toEqual(expected);
  });

  it('buy 1 get 1 free: no free loaf is kept without the paid one', () => {
    const loaves = sale([{ sku: 'BREAD', units: 1, price: 250 }, { sku: 'BREAD', units: 1, price: 250 }], [bogo]);
    const paid = loaves.find((l) => l.discountMinor === 0)?.lineNo as number;
    const free = loaves.find((l) => l.discountMinor === 250)?.lineNo as number;
    expect(lineRefund(loaves, back([[paid, 1]]), [termsOf(bogo)], []).refundMinor).toBe(0);
    expect(lineRefund(loaves, back([[free, 1]]), [termsOf(bogo)], []).refundMinor).toBe(0);
    expect(lineRefund(loaves, back([[paid, 1], [free, 1]]), [termsOf(bogo)], []).refundMinor).toBe(250);
  });

  it('a percentage that still applies to what is kept keeps nothing back', () => {
    const milk = sale([{ sku: 'MILK', category: 'dairy', units: 4, price: 119 }], [tenPercent]);
    expect(lineRefund(milk, back([[1, 1]]), [termsOf(tenPercent)], [])).toMatchObject({ clawbackMinor: 0 });
  });

  it('over random sales and return orders: never negative, never above what was paid, everything back refunds exactly what was paid', () => {
    const offers = [threeFor5, bogo, tenPercent];
    fc.assert(
      fc.property(
        fc.array(fc.record({ sku: fc.constantFrom('YOG', 'BREAD', 'MILK'), category: fc.constantFrom('dairy', 'bakery'), units: fc.integer({ min: 1, max: 6 }), price: fc.integer({ min: 1, max: 900 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (spec, picks) => {
          const lines = sale(spec, offers);
          const terms = offers.map(termsOf);
          const paid = lines.reduce((s, l) => s + l.amountMinor - l.discountMinor, 0);
          const returned = new Map<number, number>();
          let refunded = 0;
          // Return one unit at a time in a random order, then the rest.
          const units = lines.flatMap((l) => Array.from({ length: l.quantityMilli / 1000 }, () => l.lineNo));
          const order = [...picks.map((p) => units[p % units.length]), ...units];
          for (const lineNo of order) {
            const line = lines[lineNo - 1];
            if ((returned.get(lineNo) ?? 0) >= line.quantityMilli) continue;
            returned.set(lineNo, (returned.get(lineNo) ?? 0) + 1000);
            // As the purchases service does: up to what the returns so far should refund, less what they did.
            const step = Math.max(0, lineRefund(lines, returned, terms, []).refundMinor - refunded);
            expect(step).toBeGreaterThanOrEqual(0);
            refunded += step;
            expect(refunded).toBeLessThanOrEqual(paid);
          }
          expect(refunded).toBe(paid);
        },
      ),
      { numRuns: 200 },
    );
  });
});
