import fc from 'fast-check';
import { applyOffers, type OfferDefinition } from '../../../pos-plugin/src';
import { priceBasket, type PricingContext } from '../../../src/pricing/pipeline';
import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';

/**
 * A till offline prices offers with the plugin's export; the server with its
 * pipeline. Both must give every line the same discount (issue 9: offline equals online).
 */

const program: Program = { ...DEFAULT_RULES, version: 1, effectiveFrom: new Date(0), timeZone: 'Europe/Berlin' };
const now = new Date('2026-03-03T14:00:00Z');
const offers: OfferDefinition[] = [
  { id: 'yog', name: '3 for 5.00 Yoghurt', priority: 10, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 } },
  { id: 'dairy', name: '10% off dairy', priority: 5, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic: { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 10 } },
  { id: 'b2g1', name: 'Buy 2 soap get 1 free', priority: 5, stacking: { class: 'best', group: 'soap' }, trigger: 'automatic', mechanic: { kind: 'buy_get', buy: { skus: ['SOAP'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100 } },
  { id: 'soap20', name: '20% off soap', priority: 5, stacking: { class: 'best', group: 'soap' }, trigger: 'automatic', mechanic: { kind: 'percent_off', target: { skus: ['SOAP'] }, percent: 20 } },
  { id: 'spend', name: 'Spend 20 get 2 off', priority: 0, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic: { kind: 'spend_reward', spendMinor: 2000, reward: { kind: 'amount_off', amountMinor: 200 } } },
];
const context = { now, timeZone: program.timeZone, storeId: 's1', member: null };
const server: PricingContext = { program, available: null, earning: null, offers: { definitions: offers, context } };

const line = fc.record({
  sku: fc.constantFrom('YOG', 'SOAP', 'MILK', 'BREAD'),
  category: fc.constantFrom('dairy', 'household', null),
  quantity: fc.oneof(fc.integer({ min: 1, max: 6 }).map((n) => n * 1000), fc.integer({ min: 1, max: 3000 })),
  unitPriceMinor: fc.integer({ min: 1, max: 2000 }),
});

it('the plugin and the server pipeline give every line the same offer discount', () => {
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      const online = priceBasket({ lines }, server);
      // What a till has: the lines it priced itself (the same half-up rounding) and the offer set it keeps.
      const offline = applyOffers(
        online.lines.map((l) => ({ sku: l.sku, categories: l.category ? [l.category] : [], quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, amountMinor: l.amountMinor })),
        offers,
        { ...context, baseRate: program.earning.baseRate },
      );
      expect(offline.lines.map((l) => l.discountMinor)).toEqual(online.lines.map((l) => l.discountMinor));
      expect(offline.applied.map((a) => a.receiptLine)).toEqual(online.offers.applied.map((a) => a.receiptLine));
    }),
    { numRuns: 200 },
  );
});
