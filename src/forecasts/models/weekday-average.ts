import { WEEK, withIntervals, type Forecast } from './series';

/**
 * Moving average of the same weekday: each day is forecast as the mean of the
 * last `weeks` same weekdays. Its interval comes from its own in-sample errors
 * (forecast of each day from the weeks before it), grown by whole weeks ahead
 * like the seasonal naive one's.
 */
export function weekdayAverage(y: readonly number[], h: number, weeks = 4, period = WEEK): Forecast {
  const n = y.length;
  if (n < period) throw new RangeError(`a weekday average needs at least ${period} observations`);
  const averageBefore = (t: number) => {
    let total = 0;
    let count = 0;
    for (let k = 1; k <= weeks && t - k * period >= 0; k++) {
      total += y[t - k * period];
      count += 1;
    }
    return total / count;
  };
  let squares = 0;
  let count = 0;
  for (let t = period * weeks; t < n; t++) {
    squares += (y[t] - averageBefore(t)) ** 2;
    count += 1;
  }
  // With too little history for full windows the errors of shorter ones stand in.
  if (count === 0) {
    for (let t = period; t < n; t++) {
      squares += (y[t] - averageBefore(t)) ** 2;
      count += 1;
    }
  }
  const sigma = count > 0 ? Math.sqrt(squares / count) : 0;
  const mean = Array.from({ length: h }, (_, i) => averageBefore(n + (i % period)));
  const se = Array.from({ length: h }, (_, i) => sigma * Math.sqrt(Math.floor(i / period) + 1));
  return withIntervals(mean, se);
}
