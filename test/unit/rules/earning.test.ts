import { allocate, cappedPointsOf, evaluateEarning, type EarnBasket, type EarnContext, type EarnLine } from '../../../src/rules/earning';
import { DEFAULT_RULES, Promotion, type Program, type ProgramRules } from '../../../src/rules/program.schemas';

const STORE = '0190a000-0000-7000-8000-000000000001';
const OTHER_STORE = '0190a000-0000-7000-8000-000000000002';

function program(over: { earning?: Partial<ProgramRules['earning']> } & Partial<Omit<ProgramRules, 'earning'>> = {}, timeZone = 'UTC'): Program {
  const { earning, ...rest } = over;
  return { ...DEFAULT_RULES, ...rest, earning: { ...DEFAULT_RULES.earning, ...earning }, version: 1, effectiveFrom: new Date(0), timeZone };
}

const line = (amountMinor: number, category: string | null = 'grocery', sku = `sku-${amountMinor}`, quantityMilli = 1000): EarnLine => ({ sku, category, quantityMilli, amountMinor });
const basket = (lines: EarnLine[], paidWithPointsMinor = 0): EarnBasket => ({ lines, paidWithPointsMinor });
const ctx = (over: Partial<EarnContext> = {}): EarnContext => ({
  occurredAt: new Date('2026-03-03T12:00:00Z'),
  storeId: STORE,
  tierCode: null,
  isFirstPurchase: false,
  earnedInCapPeriod: 0,
  timeZone: 'UTC',
  ...over,
});
const promo = (p: Record<string, unknown>) => Promotion.parse({ code: 'P', name: 'Promo', startsOn: '2026-01-01', ...p });

describe('evaluateEarning: rounding', () => {
  const perLine = { rounding: 'floor' as const, roundingScope: 'per_line' as const };
  it.each([
    ['floor per receipt: 0.99 + 0.99 = 1.98 → 1', { rounding: 'floor', roundingScope: 'per_receipt' }, [99, 99], 1],
    ['floor per line: 0.99 + 0.99 → 0', { rounding: 'floor', roundingScope: 'per_line' }, [99, 99], 0],
    ['ceil per line: 0.99 + 0.99 → 2', { rounding: 'ceil', roundingScope: 'per_line' }, [99, 99], 2],
    ['ceil per receipt: 1.98 → 2', { rounding: 'ceil', roundingScope: 'per_receipt' }, [99, 99], 2],
    ['round per receipt: 1.49 → 1', { rounding: 'round', roundingScope: 'per_receipt' }, [149], 1],
    ['round per receipt: 1.50 → 2 (half up)', { rounding: 'round', roundingScope: 'per_receipt' }, [150], 2],
    ['round per line: 0.50 + 0.50 → 2', { rounding: 'round', roundingScope: 'per_line' }, [50, 50], 2],
    ['floor: a 0.99 basket earns nothing', { rounding: 'floor', roundingScope: 'per_receipt' }, [99], 0],
    ['exact: 100.00 → 100', perLine, [10_000], 100],
    ['empty basket', perLine, [], 0],
  ])('%s', (_name, earning, amounts, points) => {
    const r = evaluateEarning(program({ earning: earning as Partial<ProgramRules['earning']> }), basket((amounts as number[]).map((a) => line(a))), ctx());
    expect(r.points).toBe(points);
    expect(r.lines.reduce((s, l) => s + l.points, 0)).toBe(points);
    expect(r.breakdown.reduce((s, b) => s + b.points, 0)).toBe(points);
  });

  it('uses an arbitrary rate exactly (3 points per 2.50)', () => {
    const r = evaluateEarning(program({ earning: { baseRate: { points: 3, perMinor: 250 } } }), basket([line(1000)]), ctx());
    expect(r.points).toBe(12);
  });
});

describe('evaluateEarning: eligible spend', () => {
  it.each([
    ['excluded categories earn nothing', [line(1000, 'tobacco'), line(500, 'lottery'), line(300)], 0, 300, 3],
    ['a null category is eligible', [line(1000, null)], 0, 1000, 10],
    ['a discount line reduces eligible lines pro rata', [line(600), line(400), line(-200, null)], 0, 800, 8],
    ['a discount larger than the basket leaves nothing', [line(100), line(-500, null)], 0, 0, 0],
    ['a deposit refund (excluded, negative) is ignored', [line(1000), line(-25, 'deposits')], 0, 1000, 10],
    ['the part paid with points earns nothing', [line(1000), line(1000)], 500, 1500, 15],
    ['points paying for excluded goods reduce eligible spend pro rata', [line(1000), line(1000, 'tobacco')], 1000, 500, 5],
    ['all paid with points', [line(1000)], 1000, 0, 0],
    ['paid-with-points share rounds against earning', [line(333), line(333), line(334)], 1, 999, 9],
  ])('%s', (_name, lines, paid, eligible, points) => {
    const r = evaluateEarning(program(), basket(lines as EarnLine[], paid as number), ctx());
    expect(r.eligibleMinor).toBe(eligible);
    expect(r.points).toBe(points);
  });

  it('honours the minimum spend boundary (equal earns, one below does not)', () => {
    const p = program({ earning: { minimumSpendMinor: 1000, firstPurchaseBonus: 50 } });
    expect(evaluateEarning(p, basket([line(1000)]), ctx({ isFirstPurchase: true })).points).toBe(60);
    const below = evaluateEarning(p, basket([line(999)]), ctx({ isFirstPurchase: true }));
    expect(below.points).toBe(0);
    expect(below.breakdown.map((b) => b.rule)).toEqual(['minimum_spend']);
  });

  it('adds the first-purchase bonus only on a first purchase', () => {
    const p = program({ earning: { firstPurchaseBonus: 100 } });
    expect(evaluateEarning(p, basket([line(500)]), ctx({ isFirstPurchase: true })).points).toBe(105);
    expect(evaluateEarning(p, basket([line(500)]), ctx()).points).toBe(5);
  });
});

describe('evaluateEarning: multipliers stack category/SKU × tier × promotion', () => {
  const rules = {
    earning: {
      categoryMultipliers: [{ category: 'fresh', multiplierPercent: 200 }],
      skuMultipliers: [{ sku: 'apple', multiplierPercent: 300 }],
    },
    tiers: [{ code: 'gold', name: 'Gold', threshold: 1000, earnMultiplierPercent: 150, benefits: '' }],
    promotions: [promo({ code: 'DOUBLE', name: 'Double points', multiplierPercent: 200 })],
  };
  it.each([
    ['plain line, no tier: 10 × promo 2 = 20', [line(1000)], null, 20],
    ['category ×2 × promo ×2 = 40', [line(1000, 'fresh')], null, 40],
    ['SKU overrides category: ×3 × promo ×2 = 60', [line(1000, 'fresh', 'apple')], null, 60],
    ['gold ×1.5 on top: 10 × 2 × 1.5 × 2 = 60', [line(1000, 'fresh')], 'gold', 60],
    ['unknown tier code has no multiplier', [line(1000)], 'platinum', 20],
  ])('%s', (_name, lines, tierCode, points) => {
    const r = evaluateEarning(program(rules as never), basket(lines as EarnLine[]), ctx({ tierCode: tierCode as string | null }));
    expect(r.points).toBe(points);
    expect(r.breakdown.reduce((s, b) => s + b.points, 0)).toBe(points);
  });

  it('breaks the points down by rule in stacking order', () => {
    const r = evaluateEarning(program(rules as never), basket([line(1000, 'fresh')]), ctx({ tierCode: 'gold' }));
    expect(r.breakdown).toEqual([
      { rule: 'base', label: '1 per 100', points: 10 },
      { rule: 'product_multiplier', label: 'Product multipliers', points: 10 },
      { rule: 'tier:gold', label: 'Gold', points: 10 },
      { rule: 'promotion:DOUBLE', label: 'Double points', points: 30 },
    ]);
    expect(cappedPointsOf(r)).toBe(30);
  });

  it('rounds the stacked product once per receipt (no double rounding)', () => {
    const p = program({ earning: { categoryMultipliers: [{ category: 'fresh', multiplierPercent: 150 }] } });
    // 1.50 × 1.5 = 2.25 points on each of three lines: floor per receipt 6, per line 2+2+2 = 6, ceil per line 9.
    const lines = [line(150, 'fresh', 'a'), line(150, 'fresh', 'b'), line(150, 'fresh', 'c')];
    expect(evaluateEarning(p, basket(lines), ctx()).points).toBe(6);
    expect(evaluateEarning(program({ earning: { ...p.earning, rounding: 'ceil', roundingScope: 'per_line' } }), basket(lines), ctx()).points).toBe(9);
    expect(evaluateEarning(program({ earning: { ...p.earning, rounding: 'ceil' } }), basket(lines), ctx()).points).toBe(7);
  });

  it('only the best promotion applies to a line, and category-limited promotions only to their lines', () => {
    const p = program({
      promotions: [promo({ code: 'X2', name: 'x2', multiplierPercent: 200 }), promo({ code: 'X3', name: 'x3', multiplierPercent: 300, categories: ['fresh'] })],
    });
    const r = evaluateEarning(p, basket([line(1000, 'fresh'), line(1000, 'grocery')]), ctx());
    expect(r.points).toBe(30 + 20);
    expect(r.breakdown.filter((b) => b.rule.startsWith('promotion:'))).toEqual([
      { rule: 'promotion:X3', label: 'x3', points: 20 },
      { rule: 'promotion:X2', label: 'x2', points: 10 },
    ]);
  });

  it('gives product bonuses per whole unit (weighed goods per whole kg)', () => {
    const p = program({ earning: { productBonuses: [{ sku: 'milk', pointsPerUnit: 5, label: 'Milk bonus' }, { category: 'fish', pointsPerUnit: 2, label: 'Fish' }] } });
    const r = evaluateEarning(p, basket([line(200, 'dairy', 'milk', 3000), line(1000, 'fish', 'cod', 1750)]), ctx());
    expect(r.points).toBe(2 + 15 + 10 + 2);
  });
});

describe('evaluateEarning: caps', () => {
  const rules = (cap: number, scope: 'per_line' | 'per_receipt') =>
    program({
      earning: { roundingScope: scope },
      promotions: [promo({ code: 'X3', name: 'Triple', multiplierPercent: 300, bonusPoints: 25 })],
      promotionCap: { period: 'day', points: cap },
    });
  it.each([
    ['not reached', 1000, 0, 'per_line', [10 + 20, 10 + 20, 10 + 20], 90 + 25],
    ['reached mid-basket (per line: consumed in basket order)', 50, 0, 'per_line', [30, 30, 20], 80],
    ['already used up before the basket', 100, 100, 'per_line', [10, 10, 10], 30],
    ['partly used before the basket', 100, 70, 'per_receipt', [20, 20, 20], 60],
  ])('%s', (_name, cap, used, scope, lines, total) => {
    const r = evaluateEarning(rules(cap as number, scope as 'per_line'), basket([line(1000, 'a', 'a'), line(1000, 'b', 'b'), line(1000, 'c', 'c')]), ctx({ earnedInCapPeriod: used as number }));
    expect(r.lines.map((l) => l.points)).toEqual(lines);
    expect(r.points).toBe(total);
    expect(r.breakdown.reduce((s, b) => s + b.points, 0)).toBe(total);
    expect(cappedPointsOf(r)).toBe((total as number) - 30);
  });

  it('never caps base, tier or the first-purchase bonus', () => {
    const p = program({
      tiers: [{ code: 'gold', name: 'Gold', threshold: 0, earnMultiplierPercent: 200, benefits: '' }],
      promotions: [promo({ multiplierPercent: 200 })],
      promotionCap: { period: 'week', points: 0 },
      earning: { ...DEFAULT_RULES.earning, firstPurchaseBonus: 7 },
    });
    const r = evaluateEarning(p, basket([line(1000)]), ctx({ tierCode: 'gold', isFirstPurchase: true }));
    expect(r.points).toBe(20 + 7);
  });
});

describe('evaluateEarning: promotion windows', () => {
  const tuesdays = (timeZone: string, extra: Record<string, unknown> = {}) =>
    program(
      {
        promotions: [
          promo({ code: 'TUE', name: 'Double Tuesdays', multiplierPercent: 200, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU', startTime: '16:00', durationMinutes: 120 }, ...extra }),
        ],
      },
      timeZone,
    );
  const pts = (p: Program, iso: string, over: Partial<EarnContext> = {}) => evaluateEarning(p, basket([line(1000)]), ctx({ occurredAt: new Date(iso), timeZone: p.timeZone, ...over })).points;

  it.each([
    // Bangkok is UTC+7 all year: 16:00–18:00 local = 09:00–11:00 UTC. 2026-03-03 is a Tuesday.
    ['Bangkok, 1 ms before the window', 'Asia/Bangkok', '2026-03-03T08:59:59.999Z', 10],
    ['Bangkok, at the start', 'Asia/Bangkok', '2026-03-03T09:00:00.000Z', 20],
    ['Bangkok, 1 ms before the end', 'Asia/Bangkok', '2026-03-03T10:59:59.999Z', 20],
    ['Bangkok, at the end (exclusive)', 'Asia/Bangkok', '2026-03-03T11:00:00.000Z', 10],
    ['Bangkok, 16:00 UTC on Tuesday is 23:00 local: outside', 'Asia/Bangkok', '2026-03-03T16:00:00.000Z', 10],
    ['Bangkok, a Wednesday', 'Asia/Bangkok', '2026-03-04T09:30:00.000Z', 10],
    // London: GMT until 29 March 2026, then BST (UTC+1).
    ['London winter, 16:00 GMT', 'Europe/London', '2026-03-24T16:00:00.000Z', 20],
    ['London winter, 15:59 GMT', 'Europe/London', '2026-03-24T15:59:59.999Z', 10],
    ['London summer, 16:00 BST = 15:00 UTC', 'Europe/London', '2026-03-31T15:00:00.000Z', 20],
    ['London summer, 17:30 UTC = 18:30 BST: outside', 'Europe/London', '2026-03-31T17:30:00.000Z', 10],
    ['London autumn after clocks go back, 16:00 GMT', 'Europe/London', '2026-10-27T16:00:00.000Z', 20],
  ])('%s', (_name, tz, iso, points) => {
    expect(pts(tuesdays(tz), iso)).toBe(points);
  });

  it('respects the date range (local dates, inclusive)', () => {
    const p = tuesdays('Asia/Bangkok', { startsOn: '2026-03-10', endsOn: '2026-03-17' });
    expect(pts(p, '2026-03-03T09:30:00.000Z')).toBe(10);
    expect(pts(p, '2026-03-10T09:30:00.000Z')).toBe(20);
    expect(pts(p, '2026-03-17T09:30:00.000Z')).toBe(20);
    expect(pts(p, '2026-03-24T09:30:00.000Z')).toBe(10);
  });

  it('runs a window past midnight into the next day', () => {
    const p = program({ promotions: [promo({ multiplierPercent: 200, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=FR', startTime: '22:00', durationMinutes: 240 } })] });
    expect(pts(p, '2026-03-07T01:59:00.000Z')).toBe(20);
    expect(pts(p, '2026-03-07T02:00:00.000Z')).toBe(10);
  });

  it('limits promotions to stores and tiers', () => {
    const p = program({ promotions: [promo({ multiplierPercent: 200, storeIds: [STORE], tierCodes: ['gold'] })] });
    expect(pts(p, '2026-03-03T12:00:00Z', { tierCode: 'gold' })).toBe(20);
    expect(pts(p, '2026-03-03T12:00:00Z', { tierCode: 'gold', storeId: OTHER_STORE })).toBe(10);
    expect(pts(p, '2026-03-03T12:00:00Z', { tierCode: null })).toBe(10);
  });

  it('refuses malformed recurrence rules', () => {
    expect(Promotion.safeParse({ code: 'P', name: 'P', startsOn: '2026-01-01', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=XX', startTime: '16:00', durationMinutes: 60 } }).success).toBe(false);
    expect(Promotion.safeParse({ code: 'P', name: 'P', startsOn: '2026-01-01', recurrence: { rrule: 'FREQ=WEEKLY;UNTIL=20260101T000000Z', startTime: '16:00', durationMinutes: 60 } }).success).toBe(false);
    expect(Promotion.safeParse({ code: 'P', name: 'P', startsOn: '2026-01-01', recurrence: { rrule: 'FREQ=WEEKLY', startTime: '24:00', durationMinutes: 60 } }).success).toBe(false);
  });
});

describe('allocate', () => {
  it.each([
    [10, [1n, 1n, 1n], [4, 3, 3]],
    [100, [600n, 400n], [60, 40]],
    [1, [0n, 0n], [1, 0]],
    [7, [1n, 2n, 4n], [1, 2, 4]],
    [0, [5n, 5n], [0, 0]],
  ])('splits %i over %j', (total, weights, parts) => {
    expect(allocate(total, weights)).toEqual(parts);
  });
});

describe('evaluateEarning: categories match case- and space-insensitively', () => {
  it.each(['tobacco', 'TOBACCO', ' Tobacco ', 'toBACco\t'])('the default program excludes %j', (category) => {
    expect(evaluateEarning(program(), basket([line(10_000, category)]), ctx()).points).toBe(0);
  });

  it('matches multipliers, product bonuses and promotion categories whatever the case and spacing on either side', () => {
    const p = program({
      earning: {
        categoryMultipliers: [{ category: 'Fresh  Produce', multiplierPercent: 200 }],
        productBonuses: [{ category: 'DAIRY', pointsPerUnit: 5, label: 'Dairy bonus' }],
      },
      promotions: [promo({ multiplierPercent: 300, categories: [' bakery'] })],
    });
    const result = evaluateEarning(p, basket([line(1_000, 'fresh produce'), line(1_000, 'Dairy'), line(1_000, 'BAKERY ')]), ctx());
    // 10 × 2 (fresh produce) + 10 + 5 bonus (dairy) + 10 × 3 (bakery promotion).
    expect(result.lines.map((l) => l.points)).toEqual([20, 15, 30]);
  });
});

describe('evaluateEarning: catalogue categories', () => {
  const base = program({ earning: { excludedCategories: ['Alcohol'], categoryMultipliers: [{ category: 'Drinks', multiplierPercent: 200 }, { category: 'Juice', multiplierPercent: 300 }] } });
  const sold = (category: string, ancestors: string[], earnsPoints?: boolean): EarnLine => ({ ...line(1000, category, category), ancestors, earnsPoints });

  it.each([
    ['a line of an excluded category earns nothing', sold('Alcohol', ['Drinks']), 0],
    ['a line under an excluded category earns nothing (Beer is under Alcohol)', sold('beer', ['ALCOHOL', 'drinks']), 0],
    ['a product the catalogue excludes earns nothing, whatever its category', sold('Bakery', [], false), 0],
    ['a multiplier on a parent category takes its children (Water under Drinks: ×2)', sold('Water', ['Drinks']), 20],
    ['the nearest category with a multiplier wins (Juice ×3 over Drinks ×2)', sold('Juice', ['Drinks']), 30],
    ['a line of no listed category earns the base rate', sold('Bakery', []), 10],
  ])('%s', (_what, l, points) => {
    expect(evaluateEarning(base, basket([l]), ctx()).points).toBe(points);
  });

  it('without ancestors or flags a line earns exactly as before', () => {
    const plain = basket([line(1000, 'Drinks'), line(500, 'alcohol'), line(700, null)]);
    const same = basket(plain.lines.map((l) => ({ ...l, ancestors: [], earnsPoints: true })));
    expect(evaluateEarning(base, same, ctx())).toEqual(evaluateEarning(base, plain, ctx()));
  });
});
