import { seededRandom } from '../analytics';

/** One group's outcomes, one entry per member, in the same order in both arrays. */
export interface GroupOutcomes {
  /** The outcome during (or after) the campaign: spend, visits, 1/0 for "responded". */
  outcome: ArrayLike<number>;
  /** The same measure in a comparable period before the campaign (CUPED); omit for none. */
  before?: ArrayLike<number>;
}

export interface LiftInput {
  treated: GroupOutcomes;
  holdout: GroupOutcomes;
  /** Bootstrap replicates; default 2000. */
  replicates?: number;
  /** Default 0.95. */
  confidence?: number;
  /** The bootstrap's seed: the same data and seed give the same interval. */
  seed?: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** lift: the interval lies above zero; loss: below; not_proven: it spans zero. */
export type LiftVerdict = 'lift' | 'loss' | 'not_proven';

export interface LiftEstimate {
  treatedMembers: number;
  holdoutMembers: number;
  treatedMean: number;
  holdoutMean: number;
  /** Mean outcome per treated member minus the holdout's (after CUPED when used). */
  perMember: Interval;
  /** perMember × treated members: what the campaign added in all. */
  total: Interval;
  /** perMember / holdout mean; null when the holdout mean is 0. */
  relative: Interval | null;
  /** Whether the pre-period adjustment was used, and its coefficient. */
  cuped: { used: boolean; theta: number };
  verdict: LiftVerdict;
  /** The bootstrap's per-member differences, sorted, for intervals of derived figures (ROI). */
  replicates: Float64Array;
}

interface Sums {
  n: number;
  y: number;
  x: number;
  xy: number;
  xx: number;
}

const DEFAULT_REPLICATES = 2000;
// Bound once: global lookups are slow inside Jest's vm context, and a bootstrap draws millions.
const { floor } = Math;

/**
 * Treated against holdout with a percentile bootstrap interval: each group is
 * resampled on its own (its size fixed), and the difference of means is
 * recomputed per replicate. With a pre-period measure the difference is CUPED
 * adjusted (Deng et al. 2013): outcome − θ·(before − mean before), θ the pooled
 * regression slope, re-estimated in every replicate. Random assignment makes
 * both groups' pre-periods alike, so the adjustment removes noise, not lift:
 * the estimate stays unbiased and its interval narrows by about the share of
 * variance the pre-period explains.
 */
export function estimateLift(input: LiftInput): LiftEstimate {
  const treated = packed(input.treated);
  const holdout = packed(input.holdout);
  const cuped = treated.before !== undefined && holdout.before !== undefined;
  checkGroup(treated, cuped);
  checkGroup(holdout, cuped);
  const replicates = input.replicates ?? DEFAULT_REPLICATES;
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be within (0, 1)');
  if (!Number.isInteger(replicates) || replicates < 100) throw new RangeError('at least 100 bootstrap replicates');

  const t = sums(treated, cuped, null);
  const h = sums(holdout, cuped, null);
  const point = difference(t, h, cuped);

  const random = seededRandom(input.seed ?? 1);
  const diffs = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    diffs[r] = difference(sums(treated, cuped, random), sums(holdout, cuped, random), cuped).diff;
  }
  diffs.sort();
  const perMember = interval(point.diff, diffs, confidence);
  const holdoutMean = h.n > 0 ? h.y / h.n : 0;
  return {
    treatedMembers: t.n,
    holdoutMembers: h.n,
    treatedMean: t.n > 0 ? t.y / t.n : 0,
    holdoutMean,
    perMember,
    total: scale(perMember, t.n),
    relative: holdoutMean === 0 ? null : scale(perMember, 1 / Math.abs(holdoutMean)),
    cuped: { used: cuped, theta: point.theta },
    verdict: verdictOf(perMember),
    replicates: diffs,
  };
}

export interface CampaignEconomics {
  /** What the campaign cost: discounts, points at their liability value, messages (minor units). */
  costMinor: number;
  /** Gross margin on incremental sales, 0–1. */
  marginRate: number;
}

export interface CampaignReturn {
  /** Incremental sales × margin − cost. */
  incrementalMargin: Interval;
  /** Incremental margin / cost; null without a cost. */
  roi: Interval | null;
  verdict: LiftVerdict;
}

/**
 * Money figures of a spend lift, with intervals from the same bootstrap
 * replicates (margin and ROI are monotone in the lift, so their percentiles
 * are the lift's percentiles mapped through them).
 */
export function campaignReturn(lift: LiftEstimate, economics: CampaignEconomics): CampaignReturn {
  const { costMinor, marginRate } = economics;
  if (!(marginRate >= 0 && marginRate <= 1) || costMinor < 0) throw new RangeError('marginRate within 0–1 and a cost ≥ 0');
  const margin = (perMember: number) => perMember * lift.treatedMembers * marginRate - costMinor;
  const incrementalMargin = { estimate: margin(lift.perMember.estimate), low: margin(lift.perMember.low), high: margin(lift.perMember.high) };
  const roi = costMinor > 0 ? scale(incrementalMargin, 1 / costMinor) : null;
  return { incrementalMargin, roi, verdict: verdictOf(incrementalMargin) };
}

/** Typed arrays: the bootstrap reads each value thousands of times. */
function packed(group: GroupOutcomes): GroupOutcomes {
  return { outcome: Float64Array.from(group.outcome), before: group.before && Float64Array.from(group.before) };
}

function checkGroup(group: GroupOutcomes, cuped: boolean): void {
  if (cuped && group.before!.length !== group.outcome.length) throw new RangeError('one pre-period value per member');
}

/** The group's sums, over a resample (with replacement) when `random` is given. */
function sums(group: GroupOutcomes, cuped: boolean, random: (() => number) | null): Sums {
  const { outcome, before } = group;
  const n = outcome.length;
  let sy = 0;
  let sx = 0;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    const i = random === null ? k : floor(random() * n);
    const y = outcome[i];
    sy += y;
    if (cuped) {
      const x = before![i];
      sx += x;
      sxy += x * y;
      sxx += x * x;
    }
  }
  return { n, y: sy, x: sx, xy: sxy, xx: sxx };
}

function difference(t: Sums, h: Sums, cuped: boolean): { diff: number; theta: number } {
  if (t.n === 0 || h.n === 0) return { diff: 0, theta: 0 };
  const raw = t.y / t.n - h.y / h.n;
  if (!cuped) return { diff: raw, theta: 0 };
  const n = t.n + h.n;
  const meanX = (t.x + h.x) / n;
  const meanY = (t.y + h.y) / n;
  const covariance = (t.xy + h.xy) / n - meanX * meanY;
  const variance = (t.xx + h.xx) / n - meanX * meanX;
  const theta = variance > 0 ? covariance / variance : 0;
  // Adjusted means differ from the raw ones by θ times the groups' pre-period difference.
  return { diff: raw - theta * (t.x / t.n - h.x / h.n), theta };
}

function interval(estimate: number, sorted: Float64Array, confidence: number): Interval {
  const tail = (1 - confidence) / 2;
  return { estimate, low: percentile(sorted, tail), high: percentile(sorted, 1 - tail) };
}

/** Linear interpolation between order statistics (R's type 7). */
function percentile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function scale(i: Interval, factor: number): Interval {
  const a = i.low * factor;
  const b = i.high * factor;
  return { estimate: i.estimate * factor, low: Math.min(a, b), high: Math.max(a, b) };
}

function verdictOf(i: Interval): LiftVerdict {
  if (i.low > 0) return 'lift';
  if (i.high < 0) return 'loss';
  return 'not_proven';
}
