/** One forecast of h days: the point forecast and its 80 % and 95 % prediction intervals. */
export interface Forecast {
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

/** A week of days: every series here is daily with a weekly season. */
export const WEEK = 7;

/** Two-sided normal quantiles for the 80 % and 95 % intervals (qnorm(0.9), qnorm(0.975)). */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;

/** Normal intervals around a mean from the standard error of each horizon. */
export function withIntervals(mean: number[], se: number[]): Forecast {
  return {
    mean,
    lower80: mean.map((m, i) => m - Z80 * se[i]),
    upper80: mean.map((m, i) => m + Z80 * se[i]),
    lower95: mean.map((m, i) => m - Z95 * se[i]),
    upper95: mean.map((m, i) => m + Z95 * se[i]),
  };
}

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : sum(xs) / xs.length;
}

/** Least-squares line through (x_i, y_i): intercept and slope (R's lsfit). */
export function lineFit(x: readonly number[], y: readonly number[]): { intercept: number; slope: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

/**
 * Classical decomposition's seasonal figure (R's `decompose`): a centred moving
 * average of one period as the trend, the ratio (or difference) to it averaged
 * per position in the cycle, normalised to mean 1 (or 0). Position 0 is the
 * first observation's; the figure repeats from there.
 */
export function seasonalFigure(y: readonly number[], period: number, type: 'additive' | 'multiplicative'): number[] {
  const n = y.length;
  const weights = period % 2 === 0 ? [0.5, ...new Array<number>(period - 1).fill(1), 0.5].map((w) => w / period) : new Array<number>(period).fill(1 / period);
  const half = Math.floor(weights.length / 2);
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  for (let t = half; t < n - (weights.length - 1 - half); t++) {
    let trend = 0;
    for (let k = 0; k < weights.length; k++) trend += weights[k] * y[t - half + k];
    const ratio = type === 'additive' ? y[t] - trend : y[t] / trend;
    sums[t % period] += ratio;
    counts[t % period] += 1;
  }
  const figure = sums.map((s, i) => s / counts[i]);
  const centre = mean(figure);
  return figure.map((f) => (type === 'additive' ? f - centre : f / centre));
}
