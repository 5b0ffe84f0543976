import { WEEK, withIntervals, type Forecast } from './series';

/**
 * Seasonal naive: every day is forecast as the same weekday of the last week
 * (R's `snaive`). Its in-sample errors are the yardstick of MASE, and its
 * interval grows with the number of whole weeks ahead: σ·√(⌊(h−1)/7⌋+1), σ the
 * root mean square of the week-on-week differences.
 */
export function seasonalNaive(y: readonly number[], h: number, period = WEEK): Forecast {
  const n = y.length;
  if (n < period) throw new RangeError(`seasonal naive needs at least ${period} observations`);
  const sigma = Math.sqrt(seasonalNaiveScale(y, period, 'square'));
  const mean = Array.from({ length: h }, (_, i) => y[n - period + (i % period)]);
  const se = Array.from({ length: h }, (_, i) => sigma * Math.sqrt(Math.floor(i / period) + 1));
  return withIntervals(mean, se);
}

/**
 * The mean absolute (or squared) week-on-week difference: the in-sample error
 * of the seasonal naive method, and the scale of MASE.
 */
export function seasonalNaiveScale(y: readonly number[], period = WEEK, kind: 'absolute' | 'square' = 'absolute'): number {
  let total = 0;
  for (let t = period; t < y.length; t++) {
    const d = y[t] - y[t - period];
    total += kind === 'absolute' ? Math.abs(d) : d * d;
  }
  return y.length > period ? total / (y.length - period) : NaN;
}
