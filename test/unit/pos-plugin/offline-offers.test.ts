import fc from 'fast-check';
import type { OfferDefinition } from '../../../offer-engine';
import { OfflineOfferRefusedError, priceOffline, type KeptOfferSet, type OfferSet } from '../../../pos-plugin/src';
import { priceBasket } from '../../../src/pricing/pipeline';
import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';
import { category, mechanic, SKUS, stacking } from '../offer-engine/generators';

/**
 * Offline equals online (issue 9 item 7): a till prices a basket's offers
 * with the offer set it keeps (`priceOffline`) and the server with its
 * pricing pipeline; over generated baskets, offer sets, chosen offers and
 * shoppers, every line gets the same discount and every applied offer the
 * same receipt line. Offers only the server can keep are left out offline,
 * and choosing one is refused with a message.
 */

const program: Program = { ...DEFAULT_RULES, version: 1, effectiveFrom: new Date(0), timeZone: 'Europe/Berlin' };
const now = new Date('2026-03-03T14:00:00Z');
const storeId = '0190a000-0000-7000-8000-000000000001';

/** Basket lines as a till sends them: categories spelt as cashiers type them, whole units or grams, the till's own line discounts. */
const tillLine = fc
  .record({
    sku: fc.constantFrom(...SKUS),
    category: fc.option(fc.oneof(category, fc.constantFrom(' Tobacco', 'DAIRY ')), { nil: null }),
    weighed: fc.boolean(),
    count: fc.integer({ min: 1, max: 8 }),
    grams: fc.integer({ min: 1, max: 4000 }),
    unitPriceMinor: fc.integer({ min: 0, max: 3000 }),
    tillDiscount: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  })
  .map((l) => {
    const quantity = l.weighed ? l.grams : l.count * 1000;
    const amount = Math.floor((quantity * l.unitPriceMinor + 500) / 1000);
    return { sku: l.sku, category: l.category, quantity, unitPriceMinor: l.unitPriceMinor, ...(l.tillDiscount !== undefined ? { amountMinor: Math.max(0, amount - l.tillDiscount) } : {}) };
  });

/** Offers as the back office saves them: some chosen, some for a tier or with a minimum spend, some with limits (refused offline). */
const storedOffers = fc.uniqueArray(
  fc.record({
    id: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'),
    priority: fc.integer({ min: 0, max: 3 }),
    stacking,
    trigger: fc.constantFrom('automatic' as const, 'automatic' as const, 'chosen' as const),
    tier: fc.boolean(),
    minSpendMinor: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    mechanic,
    limited: fc.boolean(),
  }),
  { selector: (o) => o.id, maxLength: 6 },
);
type Stored = { id: string; priority: number; stacking: OfferDefinition['stacking']; trigger: 'automatic' | 'chosen'; tier: boolean; minSpendMinor?: number; mechanic: OfferDefinition['mechanic']; limited: boolean };

function definitionOf(o: Stored): OfferDefinition {
  const conditions = { ...(o.tier ? { tierCodes: ['gold'] } : {}), ...(o.minSpendMinor !== undefined ? { minSpendMinor: o.minSpendMinor } : {}) };
  return { id: o.id, name: `Offer ${o.id}`, priority: o.priority, stacking: o.stacking, trigger: o.trigger, conditions, mechanic: o.mechanic };
}

/** The set as `GET /v1/pos/offers` serves it (TillService.offerSet), through JSON as the till stores it. */
function keptSet(stored: Stored[]): KeptOfferSet {
  const set: OfferSet = {
    storeId,
    timeZone: program.timeZone,
    currencyDigits: 2,
    baseRate: program.earning.baseRate,
    excludedCategories: [...program.earning.excludedCategories],
    offers: stored.map((o) => ({ definition: { ...definitionOf(o) }, offline: o.limited ? 'refuse' : 'apply', refusal: o.limited ? 'LIMITED' : null, code: null })),
  };
  return { version: 'v1', fetchedAt: now, set: JSON.parse(JSON.stringify(set)) as OfferSet };
}

const shoppers = fc.constantFrom(null, { tierCode: 'gold', segmentIds: [], isFirstPurchase: false }, { tierCode: null, segmentIds: [], isFirstPurchase: false });

describe('offers offline', () => {
  it('a till offline gives every generated basket the discounts the server gives it online', () => {
    fc.assert(
      fc.property(fc.array(tillLine, { minLength: 1, maxLength: 10 }), storedOffers, fc.subarray<string>(['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7']), shoppers, (lines, stored, picked, shopper) => {
        const kept = keptSet(stored);
        // The till chooses only offers it may apply offline; the server prices the same set (limited offers: see the next test).
        const offerIds = picked.filter((id) => stored.some((o) => o.id === id && !o.limited));
        const online = priceBasket(
          { lines, offerIds },
          {
            program,
            available: null,
            earning: null,
            offers: { definitions: stored.filter((o) => !o.limited).map(definitionOf), context: { now, timeZone: program.timeZone, storeId, member: shopper, currencyDigits: 2 } },
          },
        );
        const offline = priceOffline(kept, { lines, offerIds }, { now, member: shopper });
        expect(offline.lines.map((l) => l.discountMinor)).toEqual(online.lines.map((l) => l.discountMinor));
        expect(offline.lines.map((l) => l.amountMinor)).toEqual(online.lines.map((l) => l.amountMinor));
        expect({ total: offline.totalMinor, discount: offline.discountMinor, payable: offline.payableMinor }).toEqual({
          total: online.totalMinor,
          discount: online.discountMinor,
          payable: online.payableMinor,
        });
        expect(offline.appliedOffers).toEqual(
          online.offers.applied.map((a) => ({
            offerId: a.offerId,
            name: a.name,
            discountMinor: a.discountMinor,
            points: a.points,
            receiptLine: a.receiptLine,
            lines: a.lines.map((l) => ({ lineNo: l.index + 1, discountMinor: l.discountMinor, points: l.points, unitsUsed: l.unitsUsed })),
          })),
        );
        expect(offline.receiptText).toEqual(online.offers.applied.map((a) => a.receiptLine));
        // What the journal sends is what the server accepts as printed: the same totals again.
        const replayed = priceBasket({ lines }, { program, available: null, earning: null, accepted: offline.appliedOffers });
        expect(replayed.lines.map((l) => l.discountMinor)).toEqual(online.lines.map((l) => l.discountMinor));
        expect(replayed.payableMinor).toBe(online.payableMinor);
      }),
      { numRuns: 300 },
    );
  });

  it('never applies an offer only the server can keep, and refuses it by name when the cashier chooses it', () => {
    fc.assert(
      fc.property(fc.array(tillLine, { minLength: 1, maxLength: 10 }), storedOffers, (lines, stored) => {
        const offline = priceOffline(keptSet(stored), { lines }, { now, member: null });
        const limited = new Set<string>(stored.filter((o) => o.limited).map((o) => o.id));
        expect(offline.appliedOffers.filter((a) => limited.has(a.offerId))).toEqual([]);
      }),
      { numRuns: 100 },
    );
    const kept = keptSet([{ id: 'o1', priority: 0, stacking: { class: 'combinable' }, trigger: 'chosen', tier: false, mechanic: { kind: 'percent_off', percent: 10 }, limited: true }]);
    const basket = { lines: [{ sku: 'A', quantity: 1000, unitPriceMinor: 500 }] };
    expect(() => priceOffline(kept, { ...basket, offerIds: ['o1'] }, { now, member: null })).toThrow(OfflineOfferRefusedError);
    expect(() => priceOffline(kept, { ...basket, offerIds: ['o1'] }, { now, member: null })).toThrow('Tally is offline: "Offer o1" has limits only the server can keep');
    const unknown = (() => {
      try {
        priceOffline(kept, { ...basket, offerIds: ['nope'] }, { now, member: null });
      } catch (e) {
        return e;
      }
    })();
    expect(unknown).toMatchObject({ code: 'OFFLINE_OFFER_REFUSED', offers: [{ offerId: 'nope', reason: 'UNKNOWN' }] });
  });

  it('resolves a public coupon code from the kept set and refuses any other code by name', () => {
    const coffee: OfferDefinition = { id: 'c1', name: 'Coffee 1.00 off', priority: 0, stacking: { class: 'combinable' }, trigger: 'code', mechanic: { kind: 'amount_off', amountMinor: 100, per: 'basket' } };
    const single: OfferDefinition = { ...coffee, id: 'c2', name: 'Welcome' };
    const kept: KeptOfferSet = {
      version: 'v1',
      fetchedAt: now,
      set: {
        ...keptSet([]).set,
        offers: [
          { definition: { ...coffee }, offline: 'apply', refusal: null, code: 'COFFEELOVE' },
          { definition: { ...single }, offline: 'refuse', refusal: 'SINGLE_USE_CODE', code: null },
        ],
      },
    };
    const basket = { lines: [{ sku: 'A', quantity: 1000, unitPriceMinor: 500 }] };
    expect(priceOffline(kept, basket, { now, member: null }).discountMinor).toBe(0);
    expect(priceOffline(kept, { ...basket, codes: ['coffee-love'] }, { now, member: null })).toMatchObject({ discountMinor: 100, appliedOffers: [expect.objectContaining({ offerId: 'c1' })] });
    expect(() => priceOffline(kept, { ...basket, codes: ['WELX7K2M9QRT4'] }, { now, member: null })).toThrow(
      'Tally is offline: coupon WELX7K2M9QRT4 is not a public code the till knows; a single-use code needs the server',
    );
    expect(() => priceOffline(kept, { ...basket, offerIds: ['c2'] }, { now, member: null })).toThrow('"Welcome" is a single-use code and cannot be checked');
  });
});
