import fc from 'fast-check';
import { evaluateEarning, type EarnLine } from '../../../src/rules/earning';
import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';

const categories = ['fresh', 'grocery', 'tobacco', 'dairy', null] as const;
const lineArb: fc.Arbitrary<EarnLine> = fc.record({
  sku: fc.constantFrom('a', 'b', 'c', 'd'),
  category: fc.constantFrom(...categories),
  quantityMilli: fc.integer({ min: 1, max: 50_000 }),
  amountMinor: fc.integer({ min: -5_000, max: 1_000_000 }),
});
const programArb: fc.Arbitrary<Program> = fc
  .record({
    rounding: fc.constantFrom('floor' as const, 'round' as const, 'ceil' as const),
    roundingScope: fc.constantFrom('per_receipt' as const, 'per_line' as const),
    points: fc.integer({ min: 0, max: 20 }),
    perMinor: fc.integer({ min: 1, max: 1000 }),
    catPct: fc.integer({ min: 100, max: 500 }),
    promoPct: fc.integer({ min: 100, max: 400 }),
    cap: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    bonus: fc.integer({ min: 0, max: 10 }),
  })
  .map((r) => ({
    ...DEFAULT_RULES,
    earning: {
      ...DEFAULT_RULES.earning,
      rounding: r.rounding,
      roundingScope: r.roundingScope,
      baseRate: { points: r.points, perMinor: r.perMinor },
      categoryMultipliers: [{ category: 'fresh', multiplierPercent: r.catPct }],
      productBonuses: [{ sku: 'a', pointsPerUnit: r.bonus, label: 'A' }],
    },
    promotions: [
      { code: 'P', name: 'P', multiplierPercent: r.promoPct, bonusPoints: r.bonus, startsOn: '2020-01-01', endsOn: null, recurrence: null, storeIds: null, tierCodes: null, categories: null },
    ],
    promotionCap: r.cap === null ? null : { period: 'day' as const, points: r.cap },
    version: 1,
    effectiveFrom: new Date(0),
    timeZone: 'UTC',
  }));

describe('evaluateEarning properties', () => {
  it('parts always add up, nothing is negative, caps hold and points never exceed the uncapped amount', () => {
    fc.assert(
      fc.property(programArb, fc.array(lineArb, { maxLength: 12 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 300 }), (program, lines, paid, used) => {
        const ctx = { occurredAt: new Date('2026-05-05T12:00:00Z'), storeId: 's', tierCode: null, isFirstPurchase: false, earnedInCapPeriod: used, timeZone: 'UTC' };
        const r = evaluateEarning(program, { lines, paidWithPointsMinor: paid }, ctx);
        expect(r.points).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(r.points)).toBe(true);
        expect(r.breakdown.reduce((s, b) => s + b.points, 0)).toBe(r.points);
        const basketBonus = r.breakdown.filter((b) => b.rule.startsWith('promotion_bonus:')).reduce((s, b) => s + b.points, 0);
        expect(r.lines.reduce((s, l) => s + l.points, 0)).toBeLessThanOrEqual(r.points);
        expect(r.lines.reduce((s, l) => s + l.points, 0)).toBeGreaterThanOrEqual(r.points - basketBonus);
        for (const l of r.lines) expect(l.points).toBeGreaterThanOrEqual(0);
        expect(r.eligibleMinor).toBeLessThanOrEqual(Math.max(0, lines.reduce((s, l) => s + Math.max(0, l.amountMinor), 0)));
        if (program.promotionCap) {
          const capped = r.breakdown.filter((b) => b.rule.startsWith('promotion') || b.rule === 'product_bonus' || b.rule === 'cap').reduce((s, b) => s + b.points, 0);
          expect(capped).toBeLessThanOrEqual(Math.max(0, program.promotionCap.points - used));
        } else {
          expect(r.breakdown.some((b) => b.rule === 'cap')).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
