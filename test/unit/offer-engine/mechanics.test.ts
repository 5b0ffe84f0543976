import { apply, member, offer, oneTo10, statusOf, units, weighed } from './helpers';

/**
 * Every mechanic against a quantity table from 1 to 10 items (issue 9 item 3).
 * The expected figures are worked out by hand in the comments, not by the
 * engine's formulas.
 */

/** [quantity, expected discount] rows for quantities 1…10. */
const rows = (expected: number[]) => oneTo10.map((n) => [n, expected[n - 1]] as const);

describe('percent off', () => {
  // 10% of n × 2.00.
  it.each(rows([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]))('an item: %i yoghurts at 2.00, 10%% off → %i off', (n, discount) => {
    const out = apply([units('YOG', n, 200), units('BREAD', 1, 300)], [offer('p', { kind: 'percent_off', target: { skus: ['YOG'] }, percent: 10 })]);
    expect(out.discountMinor).toBe(discount);
    expect(out.lines[1].discountMinor).toBe(0);
  });

  // 15% of n × 1.99 rounded half up: 29.85, 59.70, 89.55, 119.40, 149.25, 179.10, 208.95, 238.80, 268.65, 298.50.
  it.each(rows([30, 60, 90, 119, 149, 179, 209, 239, 269, 299]))('a category: %i dairy items at 1.99, 15%% off → %i off', (n, discount) => {
    const out = apply([units('MILK', n, 199, { categories: ['Dairy'] }), units('BEER', 2, 150, { categories: ['beer'] })], [offer('p', { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 15 })]);
    expect(out.discountMinor).toBe(discount);
  });

  // 20% of n × 5.00, at most 5.00.
  it.each(rows([100, 200, 300, 400, 500, 500, 500, 500, 500, 500]))('the basket with a cap: %i items at 5.00, 20%% off up to 5.00 → %i off', (n, discount) => {
    const lines = oneTo10.slice(0, n).map((i) => units(`SKU${i}`, 1, 500));
    const out = apply(lines, [offer('p', { kind: 'percent_off', percent: 20, capMinor: 500 })]);
    expect(out.discountMinor).toBe(discount);
    expect(out.lines.map((l) => l.discountMinor).reduce((a, b) => a + b, 0)).toBe(discount);
  });

  it('a category names its children through the line’s ancestors (Drinks › Beer)', () => {
    const out = apply([units('IPA', 1, 300, { categories: ['beer', 'drinks'] })], [offer('p', { kind: 'percent_off', target: { categories: ['Drinks'] }, percent: 50 })]);
    expect(out.discountMinor).toBe(150);
  });
});

describe('amount off', () => {
  // 0.30 off each.
  it.each(rows([30, 60, 90, 120, 150, 180, 210, 240, 270, 300]))('per unit: %i items at 1.00, 0.30 off each → %i off', (n, discount) => {
    expect(apply([units('TEA', n, 100)], [offer('a', { kind: 'amount_off', target: { skus: ['TEA'] }, amountMinor: 30, per: 'unit' })]).discountMinor).toBe(discount);
  });

  // 5.00 off the basket, never more than n × 1.50.
  it.each(rows([150, 300, 450, 500, 500, 500, 500, 500, 500, 500]))('per basket: %i items at 1.50, 5.00 off → %i off', (n, discount) => {
    expect(apply([units('TEA', n, 150)], [offer('a', { kind: 'amount_off', amountMinor: 500, per: 'basket' })]).discountMinor).toBe(discount);
  });

  // 0.40 off each, at most 2.00.
  it.each(rows([40, 80, 120, 160, 200, 200, 200, 200, 200, 200]))('per unit with a cap: %i items, 0.40 off each up to 2.00 → %i off', (n, discount) => {
    expect(apply([units('TEA', n, 100)], [offer('a', { kind: 'amount_off', amountMinor: 40, per: 'unit', capMinor: 200 })]).discountMinor).toBe(discount);
  });
});

describe('unit price', () => {
  // 2.50 → 1.99: 0.51 each.
  it.each(rows([51, 102, 153, 204, 255, 306, 357, 408, 459, 510]))('%i items at 2.50 now 1.99 → %i off', (n, discount) => {
    expect(apply([units('JAM', n, 250)], [offer('u', { kind: 'unit_price', target: { skus: ['JAM'] }, unitPriceMinor: 199 })]).discountMinor).toBe(discount);
  });

  it('a price above what the item costs gives nothing (NO_BENEFIT)', () => {
    const out = apply([units('JAM', 2, 150)], [offer('u', { kind: 'unit_price', target: { skus: ['JAM'] }, unitPriceMinor: 199 })]);
    expect(statusOf(out, 'u')).toBe('NO_BENEFIT');
  });
});

describe('weighed goods (per kg, quantities in thousandths)', () => {
  // n × 250 g of beef at 15.90/kg now 12.90/kg: 3.975n rounded half up less 3.225n rounded half up = 0.75 per 250 g.
  it.each(rows([75, 150, 225, 300, 375, 450, 525, 600, 675, 750]))('%i × 250 g at 15.90/kg now 12.90/kg → %i off', (n, discount) => {
    expect(apply([weighed('BEEF', n * 250, 1590)], [offer('w', { kind: 'unit_price', target: { skus: ['BEEF'] }, unitPriceMinor: 1290 })]).discountMinor).toBe(discount);
  });

  // 1.00 off per kg: 0.25 per 250 g.
  it.each(rows([25, 50, 75, 100, 125, 150, 175, 200, 225, 250]))('%i × 250 g, 1.00 off per kg → %i off', (n, discount) => {
    expect(apply([weighed('BEEF', n * 250, 1590)], [offer('w', { kind: 'amount_off', target: { skus: ['BEEF'] }, amountMinor: 100, per: 'unit' })]).discountMinor).toBe(discount);
  });

  it('a weighed line has no units to count for a multi-buy', () => {
    const out = apply([weighed('APPLES', 3000, 300)], [offer('m', { kind: 'multi_buy', target: { skus: ['APPLES'] }, quantity: 3, priceMinor: 500 })]);
    expect(statusOf(out, 'm')).toBe('NOT_ENOUGH_ITEMS');
  });
});

describe('multi-buy price points', () => {
  // 3 for 5.00 at 2.00 each: 1.00 off per complete three.
  it.each(rows([0, 0, 100, 100, 100, 200, 200, 200, 300, 300]))('3 for 5.00: %i yoghurts at 2.00 → %i off', (n, discount) => {
    const out = apply([units('YOG', n, 200)], [offer('m', { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 })]);
    expect(out.discountMinor).toBe(discount);
    expect(statusOf(out, 'm')).toBe(n < 3 ? 'NOT_ENOUGH_ITEMS' : 'applied');
  });

  // Mix & match in group "yoghurt": strawberry 2.00 (⌈n/2⌉) and plain 1.80 (⌊n/2⌋); bundles from the dearest:
  // 3: 200+200+180 → 0.80; 5: 600 → 1.00; 6: 1.00 + (180×3 = 5.40) 0.40; 7: 1.00 + (200+180+180) 0.60;
  // 9: 1.00 + (200+200+180) 0.80 + (180×3) 0.40; 4, 8 and 10 leave one unit over.
  it.each(rows([0, 0, 80, 80, 100, 140, 160, 160, 220, 220]))('mix & match 3 for 5.00 across a group: %i yoghurts → %i off', (n, discount) => {
    const lines = [units('STRAWB', Math.ceil(n / 2), 200, { groups: ['yoghurt'] }), units('PLAIN', Math.floor(n / 2), 180, { groups: ['yoghurt'] })].filter((l) => l.quantityMilli > 0);
    const out = apply(lines, [offer('m', { kind: 'multi_buy', target: { groups: ['yoghurt'] }, quantity: 3, priceMinor: 500 })]);
    expect(out.discountMinor).toBe(discount);
  });

  // Once only: at most one bundle.
  it.each(rows([0, 0, 100, 100, 100, 100, 100, 100, 100, 100]))('3 for 5.00 once: %i yoghurts → %i off', (n, discount) => {
    const out = apply([units('YOG', n, 200)], [offer('m', { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500, maxApplications: 1 })]);
    expect(out.discountMinor).toBe(discount);
  });

  it('the receipt line says what the offer did', () => {
    const out = apply([units('YOG', 3, 200)], [offer('m', { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 }, { name: '3 for 5.00 Yoghurt' })]);
    expect(out.applied[0].receiptLine).toBe('3 for 5.00 Yoghurt −1.00');
  });
});

describe('buy X get Y', () => {
  // Buy 2 get 1 free at 1.00: one free per complete three.
  it.each(rows([0, 0, 100, 100, 100, 200, 200, 200, 300, 300]))('buy 2 get 1 free: %i items at 1.00 → %i off', (n, discount) => {
    const out = apply([units('SOAP', n, 100)], [offer('b', { kind: 'buy_get', buy: { skus: ['SOAP'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100 })]);
    expect(out.discountMinor).toBe(discount);
  });

  // Buy 1 get 1 half price, 3.00 (⌈n/2⌉) and 2.00 (⌊n/2⌋) in one group: ⌊n/2⌋ rewards, all 2.00 ones (the cheapest), 1.00 each.
  it.each(rows([0, 100, 100, 200, 200, 300, 300, 400, 400, 500]))('buy 1 get 1 at 50%%, the cheapest free: %i items → %i off', (n, discount) => {
    const lines = [units('BIG', Math.ceil(n / 2), 300, { groups: ['shampoo'] }), units('SMALL', Math.floor(n / 2), 200, { groups: ['shampoo'] })].filter((l) => l.quantityMilli > 0);
    const out = apply(lines, [offer('b', { kind: 'buy_get', buy: { groups: ['shampoo'] }, buyQuantity: 1, rewardQuantity: 1, percent: 50 })]);
    expect(out.discountMinor).toBe(discount);
    if (n >= 2) expect(out.lines[0].discountMinor).toBe(0);
  });

  // Buy 2 pasta, get a sauce (2.50, two in the basket) free: min(⌊n/2⌋, 2) sauces.
  it.each(rows([0, 250, 250, 500, 500, 500, 500, 500, 500, 500]))('a named reward item: %i pasta, 2 sauces → %i off', (n, discount) => {
    const out = apply([units('PASTA', n, 150), units('SAUCE', 2, 250)], [offer('b', { kind: 'buy_get', buy: { skus: ['PASTA'] }, buyQuantity: 2, reward: { skus: ['SAUCE'] }, rewardQuantity: 1, percent: 100 })]);
    expect(out.discountMinor).toBe(discount);
    expect(out.lines[0].discountMinor).toBe(0);
  });

  // Once only.
  it.each(rows([0, 0, 100, 100, 100, 100, 100, 100, 100, 100]))('buy 2 get 1 free once: %i items → %i off', (n, discount) => {
    const out = apply([units('SOAP', n, 100)], [offer('b', { kind: 'buy_get', buy: { skus: ['SOAP'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100, maxApplications: 1 })]);
    expect(out.discountMinor).toBe(discount);
  });

  it('a named reward missing from the basket is REWARD_NOT_IN_BASKET', () => {
    const out = apply([units('PASTA', 4, 150)], [offer('b', { kind: 'buy_get', buy: { skus: ['PASTA'] }, buyQuantity: 2, reward: { skus: ['SAUCE'] }, rewardQuantity: 1, percent: 100 })]);
    expect(statusOf(out, 'b')).toBe('REWARD_NOT_IN_BASKET');
  });

  it('reports the qualifying and reward units it used, for returns', () => {
    const out = apply([units('SOAP', 3, 100)], [offer('b', { kind: 'buy_get', buy: { skus: ['SOAP'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100 })]);
    expect(out.applied[0].lines).toEqual([{ index: 0, discountMinor: 100, points: 0, unitsUsed: 3 }]);
  });
});

describe('spend threshold → reward', () => {
  // Spend 10.00 on n × 1.50: reached from 7 items.
  const reached = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];

  it.each(rows(reached.map((r) => r * 200)))('amount off: %i items at 1.50, spend 10.00 get 2.00 off → %i off', (n, discount) => {
    const out = apply([units('TEA', n, 150)], [offer('s', { kind: 'spend_reward', spendMinor: 1000, reward: { kind: 'amount_off', amountMinor: 200 } })]);
    expect(out.discountMinor).toBe(discount);
    expect(statusOf(out, 's')).toBe(discount > 0 ? 'applied' : 'SPEND_THRESHOLD_NOT_MET');
  });

  // The free bread (1.20) does not count towards the 10.00.
  it.each(rows(reached.map((r) => r * 120)))('a free item: %i items at 1.50 and a bread, spend 10.00 get the bread free → %i off', (n, discount) => {
    const out = apply([units('TEA', n, 150), units('BREAD', 1, 120)], [offer('s', { kind: 'spend_reward', spendMinor: 1000, reward: { kind: 'free_item', item: { skus: ['BREAD'] } } })]);
    expect(out.discountMinor).toBe(discount);
    expect(out.lines[1].discountMinor).toBe(discount);
  });

  it.each(rows(reached.map((r) => r * 50)))('bonus points: %i items at 1.50, spend 10.00 get 50 points → %i points', (n, points) => {
    const out = apply([units('TEA', n, 150)], [offer('s', { kind: 'spend_reward', spendMinor: 1000, reward: { kind: 'points', points: 50 } })], member);
    expect(out.points).toBe(points);
    expect(out.discountMinor).toBe(0);
  });
});

describe('bonus points', () => {
  // Triple points (300%) on 2.49 items at 1 point per 1.00: 200% of ⌊…⌋ extra = ⌊4.98n⌋.
  it.each(rows([4, 9, 14, 19, 24, 29, 34, 39, 44, 49]))('a multiplier on a SKU: %i items at 2.49, triple points → %i extra', (n, points) => {
    const out = apply([units('COFFEE', n, 249), units('MILK', 1, 100)], [offer('x', { kind: 'bonus_points', target: { skus: ['COFFEE'] }, multiplierPercent: 300 })], member);
    expect(out.points).toBe(points);
    expect(out.lines[0].points).toBe(points);
    expect(out.lines[1].points).toBe(0);
  });

  it.each(rows(oneTo10.map((n) => 5 * n)))('fixed per unit on a category: %i items, 5 points each → %i', (n, points) => {
    expect(apply([units('COFFEE', n, 249, { categories: ['coffee'] })], [offer('x', { kind: 'bonus_points', target: { categories: ['coffee'] }, points: 5, per: 'unit' })], member).points).toBe(points);
  });

  it.each(rows(oneTo10.map(() => 100)))('fixed per basket: %i items → %i points', (n, points) => {
    const out = apply([units('COFFEE', n, 249)], [offer('x', { kind: 'bonus_points', points: 100 })], member);
    expect(out.points).toBe(points);
    expect(out.applied[0].receiptLine).toBe('x +100 points');
  });

  it('skips goods that never earn, and anonymous sales', () => {
    const tobacco = units('CIGS', 1, 900, { earnsPoints: false });
    expect(statusOf(apply([tobacco], [offer('x', { kind: 'bonus_points', points: 100 })], member), 'x')).toBe('NO_MATCHING_ITEMS');
    expect(statusOf(apply([units('A', 1, 100)], [offer('x', { kind: 'bonus_points', points: 100 })]), 'x')).toBe('MEMBER_REQUIRED');
  });
});

describe('next-purchase coupon', () => {
  // Spend 50.00 on n × 7.00: reached from 8 items.
  it.each(rows([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]))('%i items at 7.00, spend 50.00 → coupons %i', (n, coupons) => {
    const out = apply([units('WINE', n, 700)], [offer('c', { kind: 'issue_coupon', spendMinor: 5000, coupon: { amountOffMinor: 500, validFromDays: 7, validDays: 7 } }, { name: 'Spend 50 today' })]);
    expect(out.coupons).toHaveLength(coupons);
    expect(out.discountMinor).toBe(0);
  });

  it('the coupon runs from a week after the sale’s local date, for a week, and is printed', () => {
    // 23:30 UTC on 3 March is already 4 March in Berlin.
    const out = apply([units('WINE', 8, 700)], [offer('c', { kind: 'issue_coupon', spendMinor: 5000, coupon: { amountOffMinor: 500, validFromDays: 7, validDays: 7 } }, { name: 'Spend 50 today' })], {
      ...member,
      now: new Date('2026-03-03T23:30:00Z'),
    });
    expect(out.coupons).toEqual([{ offerId: 'c', amountOffMinor: 500, minSpendMinor: 0, validFrom: '2026-03-11', validUntil: '2026-03-17' }]);
    expect(out.applied[0].receiptLine).toBe('Spend 50 today: coupon 5.00 off 2026-03-11 to 2026-03-17');
  });
});
