import gammaln from '@stdlib/math-base-special-gammaln';
import { hyp2f1 } from './hyp2f1';
import { minimizeWithRestarts } from '../../numeric/nelder-mead';

// Bound once: inside Jest's vm context every global lookup (Math.log …) is slow, and
// these run for every member in every likelihood evaluation.
const { log, exp, expm1, log1p, abs, max } = Math;

/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way"): while active, a member buys as a Poisson process with rate λ;
 * after each repeat purchase they become inactive with probability p.
 * Across members λ ~ Gamma(r, α) and p ~ Beta(a, b).
 *
 * Inputs are one entry per member, measured from the member's first purchase:
 * - frequency x: repeat purchases (purchases after the first, one per day);
 * - recency t_x: time of the last purchase (0 when x = 0);
 * - T: time from the first purchase to the "as of" date.
 * The unit of time is the caller's (Tally uses days, CDNOW weeks); α is in
 * that unit, r, a and b have none.
 */
export interface RepeatHistory {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /**
   * How many members share each (x, t_x, T), 1 when absent: a merchant's
   * members aggregated into their distinct triples fit the same with far
   * fewer entries (whole days repeat a lot).
   */
  count?: ArrayLike<number>;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdThresholds {
  /** Fewest members (with a first purchase) to fit at all. */
  minMembers: number;
  /** Fewest members with at least one repeat purchase. */
  minRepeatBuyers: number;
}

/**
 * Below these the fit is refused: with 100 simulated CDNOW-like members (30–50
 * repeat buyers) b already came out between 0.4 and 1.5 times the truth and
 * r up to 40 % off; fewer say even less. See docs/analytics.md.
 */
export const BG_NBD_THRESHOLDS: BgNbdThresholds = { minMembers: 100, minRepeatBuyers: 30 };

export type BgNbdFit =
  | {
      status: 'fitted';
      /**
       * 'bg-nbd', or 'nbd' when the data show no drop-out at all: the fit ran
       * to a → 0 (p ≡ 0), so it is refitted as the NBD, its limit, with a = 0.
       */
      model: 'bg-nbd' | 'nbd';
      params: BgNbdParams;
      logLikelihood: number;
      members: number;
      repeatBuyers: number;
      repeatPurchases: number;
      iterations: number;
    }
  | { status: 'insufficient-data'; reason: string; members: number; repeatBuyers: number; repeatPurchases: number }
  | { status: 'no-fit'; reason: string; members: number; repeatBuyers: number; repeatPurchases: number };

/**
 * Sum of the members' log-likelihoods (FHL 2005):
 *   ln L = lnΓ(r+x) − lnΓ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *        + ln[ (α+T)^−(r+x) + [x>0] a/(b+x−1) (α+t_x)^−(r+x) ]
 * The terms that depend on x alone are computed once per distinct x.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, history: RepeatHistory): number {
  const { r, alpha, a, b } = params;
  // a = 0 is the NBD limit (no drop-out): the Beta terms cancel and the second term vanishes.
  if (!(r > 0 && alpha > 0 && a >= 0 && b > 0)) return -Infinity;
  const n = history.frequency.length;
  const count = history.count;
  // Per distinct x (small integers): the constant part and ln(a/(b+x−1)); a plain array beats a Map here.
  const constants: number[] = [];
  const dropOut: number[] = [];
  const shared = -gammaln(r) + r * log(alpha) - gammaln(b) + gammaln(a + b);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = history.frequency[i];
    if (constants[x] === undefined) {
      constants[x] = shared + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
      dropOut[x] = x > 0 ? log(a) - log(b + x - 1) : -Infinity;
    }
    const first = -(r + x) * log(alpha + history.T[i]);
    const tail = x > 0 ? logAddExp(first, dropOut[x] - (r + x) * log(alpha + history.recency[i])) : first;
    total += (count ? count[i] : 1) * (constants[x] + tail);
  }
  return total;
}

/**
 * Maximum-likelihood fit by Nelder–Mead on the log-parameters (so every
 * trial point is valid). Time is rescaled so the longest T is 10 before
 * fitting (α is a time scale; the others are unitless), which makes the
 * start r = α = a = b = 1 sensible whatever the unit.
 */
export function fitBgNbd(history: RepeatHistory, thresholds: BgNbdThresholds = BG_NBD_THRESHOLDS): BgNbdFit {
  validate(history);
  let n = 0;
  let repeatBuyers = 0;
  let repeatPurchases = 0;
  let maxT = 0;
  for (let i = 0; i < history.frequency.length; i++) {
    const x = history.frequency[i];
    const w = history.count ? history.count[i] : 1;
    n += w;
    if (x > 0) repeatBuyers += w;
    repeatPurchases += w * x;
    maxT = max(maxT, history.T[i]);
  }
  const counts = { members: n, repeatBuyers, repeatPurchases };
  if (n < thresholds.minMembers) {
    return { status: 'insufficient-data', reason: `${n} members; at least ${thresholds.minMembers} are needed`, ...counts };
  }
  if (repeatBuyers < thresholds.minRepeatBuyers) {
    return { status: 'insufficient-data', reason: `${repeatBuyers} members bought again; at least ${thresholds.minRepeatBuyers} are needed`, ...counts };
  }
  if (!(maxT > 0)) return { status: 'insufficient-data', reason: 'no time has passed since the first purchases', ...counts };

  const scale = maxT / 10;
  const scaled: RepeatHistory = {
    frequency: history.frequency,
    count: history.count,
    recency: Float64Array.from(history.recency, (t) => t / scale),
    T: Float64Array.from(history.T, (t) => t / scale),
  };
  const fromLog = (v: number[]): BgNbdParams => ({ r: exp(v[0]), alpha: exp(v[1]), a: exp(v[2]), b: exp(v[3]) });
  const result = minimizeWithRestarts((v) => -bgNbdLogLikelihood(fromLog(v), scaled) / n, [0, 0, 0, 0]);
  const fitted = fromLog(result.x);
  if (fitted.a / (fitted.a + fitted.b) < NO_DROP_OUT) {
    // The likelihood rises along a → 0 (or b → ∞): nobody seems to leave. On that ridge
    // the optimiser stops anywhere, so fit the limit itself, the NBD (r, α; a = 0).
    const nbd = minimizeWithRestarts((v) => -bgNbdLogLikelihood({ r: exp(v[0]), alpha: exp(v[1]), a: 0, b: 1 }, scaled) / n, result.x.slice(0, 2));
    const params = { r: exp(nbd.x[0]), alpha: exp(nbd.x[1]) * scale, a: 0, b: 1 };
    if (!nbd.converged || !(params.r > 1e-4 && params.r < 1e4 && Number.isFinite(params.alpha))) {
      return { status: 'no-fit', reason: 'the likelihood did not converge to a finite optimum', ...counts };
    }
    return { status: 'fitted', model: 'nbd', params, logLikelihood: bgNbdLogLikelihood(params, history), iterations: result.iterations + nbd.iterations, ...counts };
  }
  const params = { ...fitted, alpha: fitted.alpha * scale };
  if (!result.converged || !Object.values(params).every((v) => Number.isFinite(v) && v > 0)) {
    return { status: 'no-fit', reason: 'the likelihood did not converge to a finite optimum', ...counts };
  }
  // Any other edge (r, a or b → 0 or ∞) means the data cannot pin the model down.
  if ([params.r, params.a, params.b].some((v) => v < 1e-4 || v > 1e4)) {
    return { status: 'no-fit', reason: 'the fit ran to the edge of the parameter space; the data cannot pin the model down', ...counts };
  }
  return { status: 'fitted', model: 'bg-nbd', params, logLikelihood: bgNbdLogLikelihood(params, history), iterations: result.iterations, ...counts };
}

/** Below this mean drop-out a/(a+b) the fit is on the no-drop-out ridge (see fitBgNbd). */
const NO_DROP_OUT = 1e-6;

/**
 * P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 * Note the model's convention: a member with no repeat purchase is alive
 * (drop-out can only follow a repeat purchase).
 */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logRatio = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + tx));
  return 1 / (1 + exp(logRatio));
}

/**
 * P(no purchase in the next t | x, t_x, T) = (1 − P(alive)) + P(alive) ((α+T)/(α+T+t))^(r+x):
 * a member who is still active has rate λ ~ Gamma(r+x, α+T) given their
 * history, and E[e^(−λt)] is that power. What a "did not come back within
 * N days" backtest label asks, for comparison with the churn score.
 */
export function probabilityNoPurchase(params: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  const alive = probabilityAlive(params, x, tx, T);
  const { r, alpha } = params;
  return 1 - alive + alive * exp((r + x) * (log(alpha + T) - log(alpha + T + t)));
}

/**
 * E[X(t)]: expected repeat purchases in (0, t] of a member just acquired
 * (FHL 2005): (a+b−1)/(a−1) [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))],
 * evaluated through Euler's transformation like the conditional form below.
 */
export function expectedPurchasesNew(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, 0, 0, 0, t);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units of a
 * member with this history (FHL 2005):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)]
 *   / (1 + [x>0] a/(b+x−1) ((α+T)/(α+t_x))^(r+x)),   z = t/(α+T+t).
 * Euler's transformation 2F1(A,B;C;z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z)
 * turns the bracket into 1 − (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * whose series converges fast even for heavy buyers and long horizons.
 * The formula is analytic in a, so it holds for a < 1 too (CDNOW's a is
 * 0.79); at a = 1 exactly it is 0/0, so a is nudged by 1e-9 there.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = params;
  // The NBD limit (no drop-out), which the formula below reaches as a → 0.
  if (params.a === 0) return ((r + x) * t) / (alpha + T);
  const a = abs(params.a - 1) < 1e-9 ? 1 + 1e-9 : params.a;
  const z = t / (alpha + T + t);
  const f = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const bracket = -expm1((a - 1) * log1p(-z)) * f + (1 - f);
  const numerator = ((a + b + x - 1) / (a - 1)) * bracket;
  if (x === 0) return numerator;
  const logRatio = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + tx));
  return numerator / (1 + exp(logRatio));
}

export interface MemberForecast {
  probabilityAlive: number;
  /** Expected purchases in each horizon, in the order given. */
  expectedPurchases: number[];
}

/** Per member: P(alive) and the expected purchases over each horizon (e.g. 30/90/365 days). */
export function forecastMembers(params: BgNbdParams, history: RepeatHistory, horizons: number[]): MemberForecast[] {
  const out: MemberForecast[] = [];
  for (let i = 0; i < history.frequency.length; i++) {
    const x = history.frequency[i];
    const tx = history.recency[i];
    const T = history.T[i];
    out.push({
      probabilityAlive: probabilityAlive(params, x, tx, T),
      expectedPurchases: horizons.map((t) => conditionalExpectedPurchases(params, x, tx, T, t)),
    });
  }
  return out;
}

function logAddExp(p: number, q: number): number {
  const m = max(p, q);
  return m + log(exp(p - m) + exp(q - m));
}

function validate(history: RepeatHistory): void {
  const n = history.frequency.length;
  if (history.recency.length !== n || history.T.length !== n || (history.count && history.count.length !== n)) {
    throw new RangeError('frequency, recency, T (and count) must have the same length');
  }
  for (let i = 0; i < n; i++) {
    const x = history.frequency[i];
    const tx = history.recency[i];
    const T = history.T[i];
    if (history.count && !(Number.isInteger(history.count[i]) && history.count[i] > 0)) throw new RangeError(`member ${i}: count must be a whole number > 0`);
    if (!(Number.isInteger(x) && x >= 0 && tx >= 0 && T >= tx && (x > 0 || tx === 0))) {
      throw new RangeError(`member ${i}: need integer frequency ≥ 0, 0 ≤ recency ≤ T, recency 0 without repeats (got x=${x}, t_x=${tx}, T=${T})`);
    }
  }
}
