import fc from 'fast-check';
import { backtest, METHODS } from '../../../src/forecasts/models/backtest';
import { etsFilter, etsForecast } from '../../../src/forecasts/models/ets';
import { fillClosedDays, forecastSeries } from '../../../src/forecasts/models/forecast-series';
import { seasonalNaive, seasonalNaiveScale } from '../../../src/forecasts/models/seasonal-naive';
import { Z80, Z95 } from '../../../src/forecasts/models/series';
import { weekdayAverage } from '../../../src/forecasts/models/weekday-average';

/** A shop's week: quiet Monday, busy Saturday, with a trend and deterministic noise. */
const PATTERN = [60, 80, 85, 90, 110, 160, 120];
function shop(days: number, { trend = 0, noise = 0, seed = 1 } = {}): number[] {
  let state = seed;
  const random = () => ((state = (state * 16807) % 2147483647) / 2147483647) - 0.5;
  return Array.from({ length: days }, (_, t) => PATTERN[t % 7] + trend * t + noise * random());
}

describe('seasonal naive', () => {
  it.each([
    { h: 1, expected: [1] },
    { h: 7, expected: [1, 2, 3, 4, 5, 6, 7] },
    { h: 9, expected: [1, 2, 3, 4, 5, 6, 7, 1, 2] },
  ])('repeats last week ($h days)', ({ h, expected }) => {
    expect(seasonalNaive([9, 9, 9, 1, 2, 3, 4, 5, 6, 7], h).mean).toEqual(expected.map((d) => [9, 9, 9, 1, 2, 3, 4, 5, 6, 7][3 + d - 1]));
  });

  it('widens its interval by √(weeks ahead)', () => {
    const y = shop(70, { noise: 20 });
    const f = seasonalNaive(y, 15);
    const se = (i: number) => (f.upper95[i] - f.mean[i]) / Z95;
    expect(se(7) / se(0)).toBeCloseTo(Math.SQRT2, 10);
    expect(se(14) / se(0)).toBeCloseTo(Math.sqrt(3), 10);
    expect((f.upper80[3] - f.mean[3]) / Z80).toBeCloseTo(se(3), 10);
  });

  it('has no error on a series that repeats every week (MASE scale 0)', () => {
    expect(seasonalNaiveScale(shop(28))).toBe(0);
  });
});

describe('moving average of the same weekday', () => {
  it.each([
    { weeks: 1, expected: 4 },
    { weeks: 2, expected: 3.5 },
    { weeks: 4, expected: 2.5 },
  ])('averages the last $weeks same weekdays', ({ weeks, expected }) => {
    // Mondays 1, 2, 3, 4 over four weeks, other days 0.
    const y = [1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0];
    expect(weekdayAverage(y, 8, weeks).mean).toEqual([expected, 0, 0, 0, 0, 0, 0, expected]);
  });
});

describe('ETS(A,Ad,A) recursions', () => {
  it('with no smoothing forecast the initial state: level + damped trend + season', () => {
    const params = { alpha: 0, beta: 0, gamma: 0, phi: 0.5 };
    const state = { level: 100, trend: 8, season: [7, 6, 5, 4, 3, 2, 1] };
    const f = etsForecast(state, params, 4, 3);
    expect(f.mean).toEqual([100 + 4 + 1, 100 + 6 + 2, 100 + 7 + 3]);
    // With α = β = γ = 0 every horizon has the one-step variance.
    f.upper95.forEach((u, i) => expect(u - f.mean[i]).toBeCloseTo(2 * Z95, 12));
  });

  it('learns a level shift at rate α', () => {
    const run = etsFilter([10, 10], { alpha: 0.5, beta: 0, gamma: 0, phi: 0.9 }, { level: 0, trend: 0, season: [0, 0] });
    expect(run.residuals).toEqual([10, 5]);
    expect(run.final.level).toBe(7.5);
  });
});

describe('rolling-origin backtest', () => {
  it('scores every method on the last 8 weeks, best first, and says when data are too few', () => {
    const y = shop(7 * 30, { trend: 0.3, noise: 10 });
    const result = backtest(y, y.map(() => true))!;
    expect(result.weeks).toBe(8);
    expect(result.scores.map((s) => s.method).sort()).toEqual([...METHODS].sort());
    expect(result.scores.map((s) => s.mae)).toEqual([...result.scores.map((s) => s.mae)].sort((a, b) => a - b));
    expect(backtest(shop(7 * 10), new Array<boolean>(70).fill(true))).toBeNull();
  });

  it('beats same-day-last-week on a noisy trending shop by smoothing the noise', () => {
    const y = shop(7 * 40, { trend: 0.2, noise: 40 });
    const f = forecastSeries(y, { horizon: 14 })!;
    expect(f.method).not.toBe('seasonal-naive');
    expect(f.accuracy!.improvement).toBeGreaterThan(0.2);
    expect(f.accuracy!.mase).toBeLessThan(f.accuracy!.seasonalNaiveMase);
  });

  it('without a refit forecasts with the backtest’s fit run on to the last day', () => {
    const y = shop(7 * 40, { trend: 0.2, noise: 40 });
    const held = forecastSeries(y, { horizon: 14, refit: false })!;
    const tested = backtest(y, y.map(() => true))!;
    expect(held.method).toBe(tested.scores[0].method);
    expect(held.mean).toEqual(tested.fitted[held.method]!(y, 14).mean.map((x) => Math.max(0, x)));
    // Fitted on 8 weeks fewer, the forecast stays close to the refitted one.
    const refitted = forecastSeries(y, { horizon: 14 })!;
    held.mean.forEach((x, i) => expect(Math.abs(x - refitted.mean[i])).toBeLessThan(0.1 * refitted.mean[i]));
  });

  it('uses no day after the origin: changing the future of an origin leaves its forecast alone', () => {
    const y = shop(7 * 30, { noise: 10 });
    const changed = [...y];
    for (let t = 7 * 29; t < y.length; t++) changed[t] += 1000;
    const open = y.map(() => true);
    const a = backtest(y, open, 1)!;
    const b = backtest(changed, open, 1)!;
    // Only the last week's actuals differ, so only the errors move — not the fit (which stops at its origin).
    expect(a.scores.length).toBe(b.scores.length);
    expect(b.scores.every((s) => s.mae > 900)).toBe(true);
  });
});

describe('merchant calendar', () => {
  it('fills a closed day from its weekday in the weeks around it', () => {
    const y = [5, 0, 5, 0, 5, 0, 5, 7, 0, 0, 0, 0, 0, 0, 9];
    const open = y.map((_, t) => t !== 7);
    expect(fillClosedDays(y, open)[7]).toBe((5 + 9) / 2);
  });

  it('forecasts zero with a zero-width interval on closed days ahead, and leaves them out of the backtest', () => {
    const days = 7 * 20;
    const y = shop(days, { noise: 5 });
    // Closed every Sunday (index 6 of each week): no sales there.
    const open = Array.from({ length: days + 14 }, (_, t) => t % 7 !== 6);
    const sales = y.map((v, t) => (open[t] ? v : 0));
    const f = forecastSeries(sales, { horizon: 14, open })!;
    expect([f.mean[6], f.upper95[6], f.mean[13], f.lower80[13]]).toEqual([0, 0, 0, 0]);
    expect(f.mean[5]).toBeGreaterThan(100);
    // Closed days are not errors: the filled Sundays make the pattern regular.
    expect(f.accuracy!.worstWeek).toBeLessThan(0.1);
  });

  it('with under a week of days forecasts nothing, with under 11 weeks forecasts without accuracy and says why', () => {
    expect(forecastSeries([1, 2, 3], { horizon: 7 })).toBeNull();
    const f = forecastSeries(shop(7 * 5), { horizon: 7 })!;
    expect(f.accuracy).toBeNull();
    expect(f.tooFewData).toMatch(/needs 11 weeks/);
    expect(f.mean).toEqual(PATTERN);
  });
});

describe('properties', () => {
  it('every method gives ordered, finite intervals (lower95 ≤ lower80 ≤ mean ≤ upper80 ≤ upper95) and no negative sales', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 1e5, noNaN: true }), { minLength: 7 * 12, maxLength: 7 * 16 }), fc.integer({ min: 1, max: 21 }), (y, horizon) => {
        const f = forecastSeries(y, { horizon })!;
        for (let i = 0; i < horizon; i++) {
          const row = [f.lower95[i], f.lower80[i], f.mean[i], f.upper80[i], f.upper95[i]];
          expect(row.every(Number.isFinite)).toBe(true);
          expect(row.every((v, k) => v >= 0 && (k === 0 || row[k - 1] <= v + 1e-9))).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('scaling the sales scales the forecast (methods do not depend on units)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 50 }), (seed, factor) => {
        const y = shop(7 * 14, { noise: 30, seed, trend: 0.1 });
        const a = forecastSeries(y, { horizon: 7 })!;
        const b = forecastSeries(y.map((v) => v * factor), { horizon: 7 })!;
        expect(b.method).toBe(a.method);
        b.mean.forEach((v, i) => expect(v).toBeCloseTo(a.mean[i] * factor, 2));
      }),
      { numRuns: 10 },
    );
  });
});
