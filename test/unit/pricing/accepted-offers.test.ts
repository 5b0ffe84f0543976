import { AppError } from '../../../src/http/errors';
import { priceBasket, type TillAppliedOffer } from '../../../src/pricing/pipeline';
import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';

/** A journalled sale's offers as the till printed them: accepted when they fit the basket, a 400 naming the field when not. */

const program: Program = { ...DEFAULT_RULES, version: 1, effectiveFrom: new Date(0), timeZone: 'Europe/Berlin' };
const lines = [
  { sku: 'YOG', category: 'dairy', quantity: 3000, unitPriceMinor: 200 },
  { sku: 'BREAD', category: 'bakery', quantity: 1000, unitPriceMinor: 250 },
];
const offer = (extra: Partial<TillAppliedOffer> = {}): TillAppliedOffer => ({
  offerId: 'yog',
  name: '3 for 5.00 Yoghurt',
  discountMinor: 100,
  points: 0,
  receiptLine: '3 for 5.00 Yoghurt −1.00',
  lines: [{ lineNo: 1, discountMinor: 100, points: 0, unitsUsed: 3 }],
  ...extra,
});
const price = (accepted: TillAppliedOffer[]) => priceBasket({ lines }, { program, available: null, earning: null, accepted });

describe('offers a till applied offline', () => {
  it('are taken as printed: discounts per line, totals and receipt lines', () => {
    const priced = price([offer()]);
    expect(priced.lines.map((l) => l.discountMinor)).toEqual([100, 0]);
    expect(priced).toMatchObject({ totalMinor: 850, discountMinor: 100, payableMinor: 750 });
    expect(priced.offers.applied.map((a) => a.receiptLine)).toEqual(['3 for 5.00 Yoghurt −1.00']);
  });

  it.each([
    ['a line the basket does not have', offer({ lines: [{ lineNo: 3, discountMinor: 100, points: 0, unitsUsed: 0 }] }), /names line 3, the basket has 2/],
    ['a line discounted beyond its amount', offer({ discountMinor: 700, lines: [{ lineNo: 1, discountMinor: 700, points: 0, unitsUsed: 3 }] }), /line 1 is discounted by more than it costs/],
    ['a discount that is not the sum of its lines', offer({ discountMinor: 90 }), /discountMinor is not the sum of its lines/],
    ['a line named twice', offer({ discountMinor: 200, lines: [{ lineNo: 1, discountMinor: 100, points: 0, unitsUsed: 3 }, { lineNo: 1, discountMinor: 100, points: 0, unitsUsed: 0 }] }), /names a line twice/],
    ['lines giving more points than the offer', offer({ points: 1, lines: [{ lineNo: 1, discountMinor: 100, points: 5, unitsUsed: 3 }] }), /give more points than the offer/],
  ])('refuses %s with a 400 on body.offline.appliedOffers', (_name, bad, message) => {
    let error: unknown;
    try {
      price([bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.offline.appliedOffers' }] });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses one offer named twice, and two offers that together discount a line beyond its amount', () => {
    expect(() => price([offer(), offer()])).toThrow(/an offer is named twice|discounted by more/);
    expect(() => price([offer({ discountMinor: 400, lines: [{ lineNo: 1, discountMinor: 400, points: 0, unitsUsed: 3 }] }), offer({ offerId: 'other', discountMinor: 300, lines: [{ lineNo: 1, discountMinor: 300, points: 0, unitsUsed: 0 }] })])).toThrow(
      /line 1 is discounted by more than it costs/,
    );
  });
});
