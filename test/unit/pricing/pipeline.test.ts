import fc from 'fast-check';
import { AppError } from '../../../src/http/errors';
import type { OfferDefinition } from '../../../offer-engine';
import { allocateToLines, linesStep, offersStep, priceBasket, redemptionStep, type BasketInput, type BasketLineInput, type PricingContext } from '../../../src/pricing/pipeline';
import { evaluateEarning, type EarnContext } from '../../../src/rules/earning';
import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';

const program: Program = { ...DEFAULT_RULES, version: 1, effectiveFrom: new Date(0), timeZone: 'UTC' };
const earning: EarnContext = { occurredAt: new Date('2026-03-01T10:00:00Z'), storeId: 's1', tierCode: null, isFirstPurchase: false, earnedInCapPeriod: 0, timeZone: 'UTC' };
const member = (available: number): PricingContext => ({ program, available, earning });
const anonymous: PricingContext = { program, available: null, earning: null };
const yoghurt3for5: OfferDefinition = {
  id: 'yog3',
  name: '3 for 5.00 Yoghurt',
  priority: 0,
  stacking: { class: 'combinable' },
  trigger: 'automatic',
  mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 },
};
const withOffers = (ctx: PricingContext, definitions: OfferDefinition[]): PricingContext => ({
  ...ctx,
  offers: {
    definitions,
    context: { now: earning.occurredAt, timeZone: 'UTC', storeId: 's1', member: ctx.earning ? { tierCode: null, segmentIds: [], isFirstPurchase: false } : null },
  },
});

const line = (sku: string, quantity: number, unitPriceMinor: number, category: string | null = null, amountMinor?: number): BasketLineInput => ({
  sku,
  category,
  quantity,
  unitPriceMinor,
  amountMinor,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return undefined;
}

describe('pricing pipeline', () => {
  it('prices lines: quantity in thousandths × unit price, half up, or the amount the till sent', () => {
    const priced = linesStep([line('milk', 1000, 129), line('cheese', 452, 1999), line('bread', 2000, 250, null, 450)]);
    expect(priced.lines.map((l) => [l.lineNo, l.amountMinor])).toEqual([
      [1, 129],
      [2, 904],
      [3, 450],
    ]);
    expect(priced.totalMinor).toBe(1483);
    expect(priced.payableMinor).toBe(1483);
  });

  it('refuses offer ids that are not among the active offers, and passes a basket without offers through', () => {
    const basket = linesStep([line('a', 1000, 100)]);
    expect(offersStep(basket, [], anonymous)).toBe(basket);
    expect(codeOf(() => offersStep(basket, ['0190aaaa-0000-7000-8000-000000000000'], anonymous))).toBe('OFFER_NOT_APPLICABLE');
    expect(codeOf(() => offersStep(basket, ['0190aaaa-0000-7000-8000-000000000000'], withOffers(anonymous, [yoghurt3for5])))).toBe('OFFER_NOT_APPLICABLE');
  });

  describe('offers (the shared engine, offer-engine/)', () => {
    const basket: BasketInput = { lines: [line('YOG', 3000, 200, 'Dairy'), line('BREAD', 1000, 300)] };

    it('takes each applied offer off its lines and says what it did', () => {
      const priced = priceBasket(basket, withOffers(anonymous, [yoghurt3for5]));
      expect(priced.discountMinor).toBe(100);
      expect(priced.lines.map((l) => l.discountMinor)).toEqual([100, 0]);
      expect(priced.payableMinor).toBe(800);
      expect(priced.offers.applied.map((a) => a.receiptLine)).toEqual(['3 for 5.00 Yoghurt −1.00']);
    });

    it('earns points on what is paid after the discounts, plus the offers’ bonus points', () => {
      const doublePoints: OfferDefinition = { ...yoghurt3for5, id: 'double', name: 'Double points on dairy', mechanic: { kind: 'bonus_points', target: { categories: ['dairy'] }, multiplierPercent: 200 } };
      const priced = priceBasket(basket, withOffers(member(0), [yoghurt3for5, doublePoints]));
      // 8.00 paid at 1 point per 1.00 = 8, and dairy doubled: 5 more on the 5.00 the yoghurts cost after 3 for 5.00.
      expect(priced.earn.points).toBe(13);
      expect(priced.earn.breakdown).toContainEqual({ rule: 'offer:double', label: 'Double points on dairy', points: 5 });
      expect(priced.lines.reduce((sum, l) => sum + l.points, 0)).toBe(13);
    });

    it('applies a chosen offer only when the till names it, and reports the rest as skipped', () => {
      const code: OfferDefinition = { ...yoghurt3for5, trigger: 'chosen' };
      expect(priceBasket(basket, withOffers(anonymous, [code])).offers.skipped).toEqual([expect.objectContaining({ offerId: 'yog3', reason: 'NOT_CHOSEN' })]);
      expect(priceBasket({ ...basket, offerIds: ['yog3'] }, withOffers(anonymous, [code])).discountMinor).toBe(100);
    });

    it('lets points pay only what the offers left', () => {
      // 9.00 less 1.00 off: points may pay 8.00 (800 points), not 9.00.
      expect(codeOf(() => priceBasket({ ...basket, redeemPoints: 900 }, withOffers(member(100000), [yoghurt3for5])))).toBe('REDEMPTION_NOT_ALLOWED');
      const priced = priceBasket({ ...basket, redeemPoints: 800 }, withOffers(member(100000), [yoghurt3for5]));
      expect(priced.payableMinor).toBe(0);
      expect(priced.lines.map((l) => l.discountMinor + l.redeemMinor)).toEqual([600, 300]);
    });
  });

  it('spreads the value paid with points over the lines in whole minor units', () => {
    const basket = linesStep([line('a', 1000, 1000), line('b', 1000, 2000), line('c', 1000, 333)]);
    const redeemed = redemptionStep(basket, 1000, member(5000));
    expect(redeemed.redeemValueMinor).toBe(1000);
    expect(redeemed.lines.map((l) => l.redeemMinor)).toEqual([300, 600, 100]);
    expect(redeemed.payableMinor).toBe(3333 - 1000);
  });

  it('lets only a member pay with points', () => {
    const basket = linesStep([line('a', 1000, 1000)]);
    expect(codeOf(() => redemptionStep(basket, 100, anonymous))).toBe('REDEMPTION_NOT_ALLOWED');
    expect(redemptionStep(basket, 0, anonymous)).toBe(basket);
  });

  it('earns only for a member, on what was paid in money, per line', () => {
    const basket = { lines: [line('a', 1000, 1000, 'grocery'), line('t', 1000, 800, 'tobacco')], redeemPoints: 500 };
    expect(priceBasket({ lines: basket.lines }, anonymous).earn.points).toBe(0);
    expect(codeOf(() => priceBasket(basket, anonymous))).toBe('REDEMPTION_NOT_ALLOWED');
    const priced = priceBasket(basket, member(1000));
    expect(priced.pointsToRedeem).toBe(500);
    expect(priced.redeemValueMinor).toBe(500);
    // 18.00 of which 5.00 paid with points; tobacco earns nothing; the points-paid share lowers the grocery line.
    expect(priced.earn.points).toBe(7);
    expect(priced.lines.map((l) => l.points)).toEqual([7, 0]);
  });

  it('gives evaluate and commit the same numbers as the earning rules on their own', () => {
    const lines = [line('a', 1500, 333, 'fresh'), line('b', 1000, 1999, 'dairy'), line('c', 1000, -200, 'dairy')];
    const priced = priceBasket({ lines }, member(0));
    const direct = evaluateEarning(
      program,
      { lines: priced.lines.map((l) => ({ sku: l.sku, category: l.category, quantityMilli: l.quantityMilli, amountMinor: l.amountMinor })), paidWithPointsMinor: 0 },
      earning,
    );
    expect(priced.earn).toEqual(direct);
  });
});

describe('allocateToLines', () => {
  it('splits by what each line costs, largest remainder first, ties to the earlier line', () => {
    expect(allocateToLines(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(allocateToLines(10, [500, 0, 500])).toEqual([5, 0, 5]);
    expect(allocateToLines(7, [100, -50, 100])).toEqual([4, 0, 3]);
    expect(allocateToLines(0, [100, 200])).toEqual([0, 0]);
  });

  it('refuses to spread more than the lines cost', () => {
    expect(() => allocateToLines(301, [100, 200])).toThrow();
    expect(() => allocateToLines(-1, [100])).toThrow();
  });

  const costs = fc.array(fc.integer({ min: -10_000, max: 1_000_000_000 }), { minLength: 1, maxLength: 60 });

  it('always adds up exactly, in whole units, never more than a line costs, never on a line that costs nothing', () => {
    fc.assert(
      fc.property(costs, fc.double({ min: 0, max: 1, noNaN: true }), (lineCosts, share) => {
        const room = lineCosts.reduce((s, c) => s + Math.max(0, c), 0);
        const total = Math.floor(room * share);
        const parts = allocateToLines(total, lineCosts);
        expect(parts).toHaveLength(lineCosts.length);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        parts.forEach((p, i) => {
          expect(Number.isInteger(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(Math.max(0, lineCosts[i]));
        });
      }),
    );
  });

  it('is proportional: each share is within one unit of its exact part', () => {
    fc.assert(
      fc.property(costs, fc.integer({ min: 0, max: 1_000_000 }), (lineCosts, wanted) => {
        const room = lineCosts.reduce((s, c) => s + Math.max(0, c), 0);
        const total = Math.min(wanted, room);
        const parts = allocateToLines(total, lineCosts);
        parts.forEach((p, i) => {
          const exact = room === 0 ? 0 : (total * Math.max(0, lineCosts[i])) / room;
          expect(Math.abs(p - exact)).toBeLessThan(1);
        });
      }),
    );
  });
});

describe('the pipeline, property', () => {
  const lineArb = fc.record({
    sku: fc.constantFrom('a', 'b', 'c'),
    category: fc.constantFrom('fresh', 'tobacco', 'TOBACCO', ' Dairy ', null),
    quantity: fc.integer({ min: 1, max: 20_000 }),
    unitPriceMinor: fc.integer({ min: 0, max: 100_000 }),
  });

  it('keeps the basket sums equal to the sums of the lines, and earns nothing from money paid with points', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100_000 }), (lines, hundreds, available) => {
        const redeemPoints = hundreds * 100;
        let priced;
        try {
          priced = priceBasket({ lines, redeemPoints }, member(available));
        } catch (err) {
          // A refused redemption is a 4xx with a stable code, never anything else.
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('REDEMPTION_NOT_ALLOWED');
          return;
        }
        expect(priced.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(priced.totalMinor);
        expect(priced.lines.reduce((s, l) => s + l.redeemMinor, 0)).toBe(priced.redeemValueMinor);
        expect(priced.lines.reduce((s, l) => s + l.discountMinor, 0)).toBe(priced.discountMinor);
        expect(priced.payableMinor).toBe(priced.totalMinor - priced.discountMinor - priced.redeemValueMinor);
        expect(priced.earn.eligibleMinor).toBeLessThanOrEqual(priced.payableMinor);
        for (const l of priced.lines) expect(l.redeemMinor).toBeLessThanOrEqual(l.amountMinor);
      }),
    );
  });
});

describe('pricing: categories', () => {
  it('keys every line category once, so what is stored and matched is the same whatever the till sent', () => {
    const priced = priceBasket({ lines: [line('a', 1000, 500, ' Fresh   Produce '), line('b', 1000, 500, 'TOBACCO'), line('c', 1000, 500, '   ')] }, member(0));
    expect(priced.lines.map((l) => l.category)).toEqual(['fresh produce', 'tobacco', null]);
    expect(priced.lines.map((l) => l.points)).toEqual([5, 0, 5]);
  });
});
