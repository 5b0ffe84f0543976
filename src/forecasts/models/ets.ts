import { minimizeWithRestarts } from '../../numeric/nelder-mead';
import { lineFit, mean, seasonalFigure, WEEK, withIntervals, type Forecast } from './series';

/** Smoothing parameters of ETS(A,Ad,A): additive errors, damped additive trend, additive season. */
export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/**
 * The state before the first observation: level, trend and the season, newest
 * first as R's `ets` keeps it (season[period − 1] is the first observation's).
 */
export interface EtsState {
  level: number;
  trend: number;
  season: number[];
}

export interface EtsFit {
  params: EtsParams;
  initial: EtsState;
  /** State after the last observation. */
  final: EtsState;
  fitted: number[];
  residuals: number[];
  /** −½·n·ln(SSE), the concentrated likelihood R's `ets` reports for additive errors. */
  logLik: number;
  /** Residual variance SSE / (n − number of estimated values), as R's `ets`. */
  sigma2: number;
}

/** R's "usual" bounds; `ets` returns a huge value outside them, here Infinity. */
const BOUNDS = { low: 1e-4, high: 0.9999, phiLow: 0.8, phiHigh: 0.98 };

/**
 * Runs the ETS(A,Ad,A) recursions over y from a given initial state:
 *   ŷ_t = l + φb + s_{t−m},  e_t = y_t − ŷ_t,
 *   l ← l + φb + αe,  b ← φb + βe,  s_t = s_{t−m} + γe.
 */
export function etsFilter(y: readonly number[], params: EtsParams, initial: EtsState): Omit<EtsFit, 'sigma2'> {
  const { alpha, beta, gamma, phi } = params;
  const m = initial.season.length;
  // Season as a ring: s[(head + k) % m] is the k-th newest.
  const s = [...initial.season];
  let head = 0;
  let level = initial.level;
  let trend = initial.trend;
  const fitted = new Array<number>(y.length);
  const residuals = new Array<number>(y.length);
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const oldest = (head + m - 1) % m;
    const base = level + phi * trend;
    const forecast = base + s[oldest];
    const e = y[t] - forecast;
    fitted[t] = forecast;
    residuals[t] = e;
    sse += e * e;
    level = base + alpha * e;
    trend = phi * trend + beta * e;
    // The oldest slot becomes the newest.
    s[oldest] = s[oldest] + gamma * e;
    head = oldest;
  }
  const season = Array.from({ length: m }, (_, k) => s[(head + k) % m]);
  return { params, initial, final: { level, trend, season }, fitted, residuals, logLik: -0.5 * y.length * Math.log(sse) };
}

/**
 * The sum of squared errors of `etsFilter`, computed the same way without
 * keeping the fitted values: the optimiser calls it hundreds of times per fit,
 * and the forecast run fits thousands of series.
 */
function etsSse(y: readonly number[], { alpha, beta, gamma, phi }: EtsParams, initial: EtsState): number {
  const m = initial.season.length;
  const s = [...initial.season];
  let head = 0;
  let level = initial.level;
  let trend = initial.trend;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const oldest = (head + m - 1) % m;
    const base = level + phi * trend;
    const e = y[t] - (base + s[oldest]);
    sse += e * e;
    level = base + alpha * e;
    trend = phi * trend + beta * e;
    s[oldest] = s[oldest] + gamma * e;
    head = oldest;
  }
  return sse;
}

/**
 * Forecast mean and intervals h steps from a state (R's class-1 formulas):
 * mean_j = l + (φ+…+φ^j)·b + s, var_j = σ²·(1 + Σ_{i<j} c_i²) with
 * c_i = α + β(φ+…+φ^i) + γ·[i is a whole number of periods].
 */
export function etsForecast(state: EtsState, params: EtsParams, sigma2: number, h: number): Forecast {
  const { alpha, beta, gamma, phi } = params;
  const m = state.season.length;
  const mean: number[] = [];
  const se: number[] = [];
  let dampedSum = 0;
  let variance = 1;
  for (let j = 1; j <= h; j++) {
    dampedSum += phi ** j;
    mean.push(state.level + dampedSum * state.trend + state.season[(m - 1 - ((j - 1) % m) + m) % m]);
    se.push(Math.sqrt(sigma2 * variance));
    const c = alpha + beta * dampedSum + (j % m === 0 ? gamma : 0);
    variance += c * c;
  }
  return withIntervals(mean, se);
}

/**
 * R's `initstate` for an additive season: the classical decomposition's
 * figure as the season, and a line through the first max(10, 2m) seasonally
 * adjusted values as level and trend.
 */
export function etsInitialState(y: readonly number[], period = WEEK): EtsState {
  const figure = seasonalFigure(y, period, 'additive');
  const adjusted = y.map((v, t) => v - figure[t % period]);
  const window = Math.min(Math.max(10, 2 * period), y.length);
  const xs = Array.from({ length: window }, (_, i) => i + 1);
  const { intercept, slope } = lineFit(xs, adjusted.slice(0, window));
  // Newest first: the season before observation 0 ends with observation 0's own.
  const season = Array.from({ length: period }, (_, k) => figure[period - 1 - k]);
  return { level: intercept, trend: slope, season };
}

function inBounds({ alpha, beta, gamma, phi }: EtsParams): boolean {
  return (
    alpha >= BOUNDS.low && alpha <= BOUNDS.high &&
    beta >= BOUNDS.low && beta <= alpha &&
    gamma >= BOUNDS.low && gamma <= 1 - alpha &&
    phi >= BOUNDS.phiLow && phi <= BOUNDS.phiHigh
  );
}

/**
 * Fits ETS(A,Ad,A) by maximum likelihood (minimum SSE): Nelder–Mead on
 * (α, β, γ, φ) from R's starting values, with the initial state from
 * `etsInitialState`; `optimizeInitialState` also moves level, trend and
 * season (as R does — better fits, many times slower). Needs two full periods.
 */
export function fitEts(y: readonly number[], options: { period?: number; optimizeInitialState?: boolean } = {}): EtsFit {
  const { period = WEEK, optimizeInitialState = false } = options;
  if (y.length < 2 * period + 2) throw new RangeError(`ETS needs at least ${2 * period + 2} observations`);
  const start = etsInitialState(y, period);
  const scale = Math.max(1e-9, mean(y.map(Math.abs)));
  // R's initparam for these bounds and a season of m.
  const alpha0 = 1e-4 + (0.2 * (0.9999 - 1e-4)) / period;
  const params0 = [alpha0, 1e-4 + 0.1 * (alpha0 - 1e-4), 1e-4 + 0.05 * (1 - alpha0 - 1e-4), 0.8 + 0.99 * 0.18];
  const unpack = (x: number[]) => {
    const params = { alpha: x[0], beta: x[1], gamma: x[2], phi: x[3] };
    if (!optimizeInitialState) return { params, initial: start };
    // Season values past the first m − 1 are fixed by summing to zero.
    const free = x.slice(6, 6 + period - 1).map((v) => v * scale);
    return { params, initial: { level: x[4] * scale, trend: x[5] * scale, season: [...free, -free.reduce((a, b) => a + b, 0)] } };
  };
  const sse = (x: number[]) => {
    const { params, initial } = unpack(x);
    return inBounds(params) ? etsSse(y, params, initial) : Infinity;
  };
  const x0 = optimizeInitialState
    ? [...params0, start.level / scale, start.trend / scale, ...start.season.slice(0, period - 1).map((v) => v / scale)]
    : params0;
  const best = minimizeWithRestarts(sse, x0, { step: 0.05, maxIterations: optimizeInitialState ? 4000 : 600, valueTolerance: 1e-9 * scale * scale * y.length, pointTolerance: 1e-6 });
  const { params, initial } = unpack(best.x);
  const run = etsFilter(y, params, initial);
  // R divides by n minus its estimated values: α, β, γ, φ, level, trend and m − 1 seasons.
  const estimated = 4 + 2 + (period - 1);
  const sumSquares = run.residuals.reduce((a, e) => a + e * e, 0);
  return { ...run, sigma2: sumSquares / Math.max(1, y.length - estimated) };
}
