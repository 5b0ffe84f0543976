import { minimizeWithRestarts } from '../../numeric/nelder-mead';
import { lineFit, mean, seasonalFigure, WEEK, withIntervals, type Forecast } from './series';

/** Simple exponential smoothing: its smoothing weight and the level before the first value. */
export interface SesParams {
  alpha: number;
  level0: number;
}

export interface ThetaFit {
  /** SES on the seasonally adjusted series. */
  ses: SesParams;
  /** The multiplicative seasonal figure (index 0 = the first value's weekday), or null when the test found no season. */
  figure: number[] | null;
}

/** Sum of squared one-step errors of SES and the last level. */
function sesRun(x: readonly number[], { alpha, level0 }: SesParams): { sse: number; level: number } {
  let level = level0;
  let sse = 0;
  for (let t = 0; t < x.length; t++) {
    const e = x[t] - level;
    sse += e * e;
    level += alpha * e;
  }
  return { sse, level };
}

/**
 * R's test in `thetaf`: seasonal when the autocorrelation at one period is
 * beyond the 90 % one-sided band, (1 + 2·Σ r_k², k < m)/n under the null.
 */
export function hasSeason(y: readonly number[], period = WEEK): boolean {
  const n = y.length;
  if (n <= 2 * period) return false;
  const mu = mean(y);
  const denominator = y.reduce((a, v) => a + (v - mu) ** 2, 0);
  if (denominator === 0) return false;
  const r = (lag: number) => {
    let s = 0;
    for (let t = lag; t < n; t++) s += (y[t] - mu) * (y[t - lag] - mu);
    return s / denominator;
  };
  let squares = 0;
  for (let k = 1; k < period; k++) squares += r(k) ** 2;
  const stat = Math.sqrt((1 + 2 * squares) / n);
  return Math.abs(r(period)) / stat > 1.6448536269514722;
}

/** Deseasonalises y by the classical multiplicative decomposition when it has a season (as `thetaf`). */
function seasonOf(y: readonly number[], period: number): number[] | null {
  if (!hasSeason(y, period)) return null;
  const figure = seasonalFigure(y, period, 'multiplicative');
  return figure.some((f) => !(Math.abs(f) >= 1e-4)) ? null : figure;
}

/**
 * Fits the Theta method (Assimakopoulos & Nikolopoulos; R's `thetaf`): SES
 * by least squares on (α, level0) over the seasonally adjusted series.
 */
export function fitTheta(y: readonly number[], period = WEEK): ThetaFit {
  if (y.length < 3) throw new RangeError('Theta needs at least 3 observations');
  const figure = seasonOf(y, period);
  const x = figure ? y.map((v, t) => v / figure[t % period]) : [...y];
  const scale = Math.max(1e-9, mean(x.map(Math.abs)));
  const best = minimizeWithRestarts(
    ([alpha, level]) => (alpha < 1e-4 || alpha > 0.9999 ? Infinity : sesRun(x, { alpha, level0: level * scale }).sse),
    [0.5, x[0] / scale],
    { step: 0.1, valueTolerance: 1e-12 * scale * scale * x.length, pointTolerance: 1e-8 },
  );
  return { ses: { alpha: best.x[0], level0: best.x[1] * scale }, figure };
}

/**
 * Theta forecast from a fit: SES on the adjusted series plus half the slope of
 * a line through it, bent as in Hyndman & Billah (2003), then the season put
 * back. The interval is SES's: σ·√(1 + (h−1)α²), σ² = SSE / (n − 2) of the adjusted series.
 */
export function thetaForecast(y: readonly number[], fit: ThetaFit, h: number, period = WEEK): Forecast {
  const n = y.length;
  const { figure } = fit;
  const x = figure ? y.map((v, t) => v / figure[t % period]) : [...y];
  const alpha = Math.max(1e-10, fit.ses.alpha);
  const run = sesRun(x, fit.ses);
  const halfSlope = lineFit(Array.from({ length: n }, (_, i) => i), x).slope / 2;
  const bend = (1 - (1 - alpha) ** n) / alpha;
  const mean = Array.from({ length: h }, (_, i) => {
    const adjusted = run.level + halfSlope * (i + bend);
    return figure ? adjusted * figure[(n + i) % period] : adjusted;
  });
  // ses() is ets(ANN): σ² divides by n minus its two estimated values (α, level).
  const sigma = Math.sqrt(run.sse / (n - 2));
  const se = Array.from({ length: h }, (_, i) => sigma * Math.sqrt(i * alpha * alpha + 1));
  return withIntervals(mean, se);
}
