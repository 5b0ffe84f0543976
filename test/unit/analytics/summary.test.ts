import { customerLifetimeValue, gapsOf, holdoutCheck, summarizeMember, visitsAsOf, visitsBetween } from '../../../src/analytics';

describe('member summary as of a day', () => {
  const purchases = [
    { day: 10, amountMinor: 1000 },
    { day: 10, amountMinor: 500 }, // same day: one visit of 1500
    { day: 17, amountMinor: 2000 },
    { day: 20, amountMinor: -300 }, // a return alone is no visit
    { day: 31, amountMinor: 4000 },
    { day: 40, amountMinor: 700 },
  ];

  it.each([
    ['before the first purchase', 9, null],
    ['on the first day', 10, { purchases: 1, frequency: 0, recency: 0, T: 0, monetary: 0, totalSpendMinor: 1500, daysSinceLast: 0 }],
    ['as of day 35: later purchases do not exist yet', 35, { purchases: 3, frequency: 2, recency: 21, T: 25, monetary: 3000, totalSpendMinor: 7500, firstDay: 10, lastDay: 31, daysSinceLast: 4 }],
    ['as of day 50', 50, { purchases: 4, frequency: 3, recency: 30, T: 40, monetary: (2000 + 4000 + 700) / 3, totalSpendMinor: 8200, daysSinceLast: 10 }],
  ])('%s', (_name, asOfDay, want) => {
    const summary = summarizeMember(purchases, asOfDay);
    if (want === null) expect(summary).toBeNull();
    else expect(summary).toMatchObject(want);
  });

  it('a return on a visit day lowers that visit; a full return removes the visit', () => {
    expect(visitsAsOf([{ day: 1, amountMinor: 900 }, { day: 1, amountMinor: -200 }, { day: 2, amountMinor: 300 }, { day: 2, amountMinor: -300 }], 5)).toEqual([{ day: 1, amountMinor: 700 }]);
  });

  it('counts holdout visits in (after, until]', () => {
    expect(visitsBetween(purchases, 17, 40)).toBe(2);
    expect(visitsBetween(purchases, 31, 35)).toBe(0);
  });

  it('gaps between visit days', () => {
    expect(gapsOf([10, 17, 31, 40])).toEqual([7, 14, 9]);
    expect(gapsOf([10])).toEqual([]);
  });
});

describe('customer lifetime value settings', () => {
  const bg = { r: 1.5, alpha: 20, a: 1.2, b: 10 };
  const gg = { p: 4, q: 6, gamma: 5000 };
  const member = { frequency: 10, recency: 150, T: 160, monetary: 3500 };
  const base = { periods: 12, discountRate: 0.01, margin: 0.25, periodLength: 30 };

  it('is 0 over no periods or with no margin, grows with the horizon, and shrinks with the discount rate', () => {
    expect(customerLifetimeValue(bg, gg, member, { ...base, periods: 0 }).clvMinor).toBe(0);
    expect(customerLifetimeValue(bg, gg, member, { ...base, margin: 0 }).clvMinor).toBe(0);
    const year = customerLifetimeValue(bg, gg, member, base).clvMinor;
    expect(customerLifetimeValue(bg, gg, member, { ...base, periods: 24 }).clvMinor).toBeGreaterThan(year);
    expect(customerLifetimeValue(bg, gg, member, { ...base, discountRate: 0.05 }).clvMinor).toBeLessThan(year);
    const undiscounted = customerLifetimeValue(bg, gg, member, { ...base, discountRate: 0 });
    expect(undiscounted.clvMinor).toBe(Math.round(undiscounted.expectedPurchases * 0.25 * (4 * (5000 + 35_000)) / (40 + 5)));
    expect(Number.isInteger(undiscounted.expectedSpendMinor)).toBe(true);
  });

  it('rejects settings out of range', () => {
    expect(() => customerLifetimeValue(bg, gg, member, { ...base, margin: 1.5 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(bg, gg, member, { ...base, periods: 1.5 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(bg, gg, member, { ...base, periodLength: 0 })).toThrow(RangeError);
  });
});

describe('calibration/holdout check', () => {
  // The NBD limit (a = 0) keeps the expectations closed-form: E = (r + x) t / (α + T).
  const nbd = { r: 1, alpha: 9, a: 0, b: 1 };
  const calibration = { frequency: [0, 2, 9, 12], recency: [0, 5, 20, 30], T: [1, 11, 31, 31] };

  it('sums expected and actual purchases, overall and by calibration frequency (7+ pooled)', () => {
    const check = holdoutCheck(nbd, calibration, [1, 0, 4, 6], 10);
    const expected = [(1 * 10) / 10, (3 * 10) / 20, (10 * 10) / 40, (13 * 10) / 40];
    expect(check.members).toBe(4);
    expect(check.expected).toBeCloseTo(expected.reduce((s, v) => s + v, 0), 12);
    expect(check.actual).toBe(11);
    expect(check.relativeError).toBeCloseTo((check.expected - 11) / 11, 12);
    expect(check.byFrequency.find((b) => b.frequency === '2')).toEqual({ frequency: '2', members: 1, expectedMean: 1.5, actualMean: 0 });
    expect(check.byFrequency.find((b) => b.frequency === '7+')).toEqual({ frequency: '7+', members: 2, expectedMean: (2.5 + 3.25) / 2, actualMean: 5 });
    expect(check.byFrequency.find((b) => b.frequency === '4')).toEqual({ frequency: '4', members: 0, expectedMean: 0, actualMean: 0 });
  });

  it('has no relative error when nobody bought in the holdout, and wants one count per member', () => {
    expect(holdoutCheck(nbd, calibration, [0, 0, 0, 0], 10).relativeError).toBeNull();
    expect(() => holdoutCheck(nbd, calibration, [1], 10)).toThrow(RangeError);
  });
});
