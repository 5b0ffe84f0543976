import gammaln from '@stdlib/math-base-special-gammaln';
import { minimizeWithRestarts } from '../../numeric/nelder-mead';

// Bound once: inside Jest's vm context every global lookup (Math.log …) is slow, and
// these run for every member in every likelihood evaluation.
const { log } = Math;


/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005,
 * "RFM and CLV"; Fader & Hardie's note "The Gamma-Gamma model of monetary
 * value"): a member's purchases are Gamma(p, ν) around their own mean p/ν,
 * and ν ~ Gamma(q, γ) across members. It is fitted on members with at least
 * one repeat purchase, from x (repeat purchases) and m̄ (their average spend).
 * Assumes spend and frequency are independent: the diagnostics report their
 * correlation so a merchant can see when that does not hold.
 */
export interface SpendHistory {
  /** Repeat purchases x (members with 0 are skipped). */
  frequency: ArrayLike<number>;
  /** Average spend of those repeat purchases, in minor units. */
  monetary: ArrayLike<number>;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaThresholds {
  /** Fewest repeat buyers with positive spend. */
  minRepeatBuyers: number;
}

/** With about 30 simulated repeat buyers one fit in three was already refused; see docs/analytics.md. */
export const GAMMA_GAMMA_THRESHOLDS: GammaGammaThresholds = { minRepeatBuyers: 30 };

export type GammaGammaFit =
  | {
      status: 'fitted';
      params: GammaGammaParams;
      logLikelihood: number;
      repeatBuyers: number;
      /** Pearson correlation of x and m̄ among repeat buyers; the model assumes about 0. */
      frequencySpendCorrelation: number;
      /** The model's mean spend per purchase across members, pγ/(q−1). */
      populationMeanSpend: number;
      iterations: number;
    }
  | { status: 'insufficient-data' | 'no-fit'; reason: string; repeatBuyers: number };

/**
 * Sum over repeat buyers of ln f(m̄ | x) (density of the average of x
 * purchases, after integrating ν out):
 *   lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, history: SpendHistory): number {
  return preparedLogLikelihood(params, prepare(history.frequency, history.monetary));
}

/** The repeat buyers with ln m̄ computed once: it does not change between evaluations of a fit. */
interface Prepared {
  x: Int32Array;
  m: Float64Array;
  logM: Float64Array;
}

function prepare(frequency: ArrayLike<number>, monetary: ArrayLike<number>): Prepared {
  const keep: number[] = [];
  for (let i = 0; i < frequency.length; i++) if (frequency[i] > 0 && monetary[i] > 0) keep.push(i);
  const m = Float64Array.from(keep, (i) => monetary[i]);
  return { x: Int32Array.from(keep, (i) => frequency[i]), m, logM: m.map(log) };
}

function preparedLogLikelihood(params: GammaGammaParams, { x: xs, m: ms, logM }: Prepared): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  // Per distinct x (small integers); a plain array beats a Map here.
  const constants: number[] = [];
  const shared = -gammaln(q) + q * log(gamma);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (constants[x] === undefined) constants[x] = shared + gammaln(p * x + q) - gammaln(p * x) + p * x * log(x);
    total += constants[x] + (p * x - 1) * logM[i] - (p * x + q) * log(gamma + x * ms[i]);
  }
  return total;
}

/**
 * Maximum likelihood by Nelder–Mead on log-parameters. Spend is rescaled
 * so its mean is 10 before fitting (γ is a spend scale; p and q are
 * unitless). A fit with q ≤ 1 has no finite mean spend and is refused.
 */
export function fitGammaGamma(history: SpendHistory, thresholds: GammaGammaThresholds = GAMMA_GAMMA_THRESHOLDS): GammaGammaFit {
  if (history.frequency.length !== history.monetary.length) throw new RangeError('frequency and monetary must have the same length');
  const buyers = prepare(history.frequency, history.monetary);
  const repeatBuyers = buyers.x.length;
  if (repeatBuyers < thresholds.minRepeatBuyers) {
    return { status: 'insufficient-data', reason: `${repeatBuyers} members bought again with a positive spend; at least ${thresholds.minRepeatBuyers} are needed`, repeatBuyers };
  }
  const scale = buyers.m.reduce((s, m) => s + m, 0) / repeatBuyers / 10;
  const scaled = prepare(buyers.x, buyers.m.map((m) => m / scale));
  const fromLog = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) });
  const result = minimizeWithRestarts((v) => -preparedLogLikelihood(fromLog(v), scaled) / repeatBuyers, [0, 0, 0]);
  const fitted = fromLog(result.x);
  const params = { ...fitted, gamma: fitted.gamma * scale };
  if (!result.converged || !Object.values(params).every((v) => Number.isFinite(v) && v > 0)) {
    return { status: 'no-fit', reason: 'the likelihood did not converge to a finite optimum', repeatBuyers };
  }
  // p → ∞ (with γ → 0) is the edge where spend barely varies within members; the likelihood keeps rising along it.
  if ([params.p, params.q].some((v) => v < 1e-4 || v > 1e4)) {
    return { status: 'no-fit', reason: 'the fit ran to the edge of the parameter space; the data cannot pin the model down', repeatBuyers };
  }
  if (params.q <= 1) return { status: 'no-fit', reason: `q = ${params.q.toFixed(3)} ≤ 1: the spend mix has no finite mean`, repeatBuyers };
  return {
    status: 'fitted',
    params,
    logLikelihood: preparedLogLikelihood(params, buyers),
    repeatBuyers,
    frequencySpendCorrelation: pearson(buyers.x, buyers.m),
    populationMeanSpend: (params.p * params.gamma) / (params.q - 1),
    iterations: result.iterations,
  };
}

/**
 * E[M | p, q, γ, m̄, x] = p(γ + x m̄) / (px + q − 1): a weighted mean of the
 * population mean pγ/(q−1) and the member's own average m̄, the weight on m̄
 * growing with x. For x = 0 it is the population mean.
 */
export function expectedSpend(params: GammaGammaParams, x: number, monetary: number): number {
  const { p, q, gamma } = params;
  if (x <= 0 || !(monetary > 0)) return (p * gamma) / (q - 1);
  return (p * (gamma + x * monetary)) / (p * x + q - 1);
}

function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] / n;
    my += ys[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
