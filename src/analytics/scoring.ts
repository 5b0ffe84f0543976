import { toWall } from '../../offer-engine/wall-clock';
import { ABC_DEFAULT, type AbcClass, type AbcShares } from './models/abc';
import { conditionalExpectedPurchases, probabilityAlive, type BgNbdFit, type BgNbdParams } from './models/bgnbd';
import { churnRiskFromFacts, type MerchantRhythm } from './models/churn';
import { customerLifetimeValue } from './models/clv';
import { expectedSpend, type GammaGammaFit, type GammaGammaParams } from './models/gamma-gamma';
import type { HoldoutBucket } from './models/holdout';
import { rfmSegment, type RfmSegment, type SegmentSummary } from './models/rfm';

/**
 * The per-member step of a scoring run, as plain functions: the run (see
 * scoring.service.ts) gets the merchant-wide parts from set-based queries —
 * RFM cut points, ABC thresholds, the merchant's rhythm, the fitted models —
 * then scores each page of members with these, so no step needs every member
 * in memory.
 */

export interface RunSettings {
  /** Share of spend that is profit, for CLV. */
  margin: number;
  /** Discount rate per month, for CLV. */
  discountRate: number;
  /** CLV horizon in months. */
  horizonMonths: number;
  abc: AbcShares;
  /** Length of the holdout period of the calibration check, and of the churn backtest's "came back within". */
  holdoutDays: number;
  /** Most members the models are fitted on (a random sample beyond): the parameters are population-wide. */
  fitSampleSize: number;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = {
  margin: 0.3,
  discountRate: 0.01,
  horizonMonths: 12,
  abc: ABC_DEFAULT,
  holdoutDays: 90,
  fitSampleSize: 50_000,
};

/** Days are counted from 1970-01-01; a date 'YYYY-MM-DD' is its day number. */
export function dayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Today's date in the merchant's time zone. */
export function localDate(now: Date, timeZone: string): string {
  return toWall(now, timeZone).toISOString().slice(0, 10);
}

/** Minutes the zone's clock is ahead of UTC at an instant. */
export function offsetMinutes(at: Date, timeZone: string): number {
  return Math.round((toWall(at, timeZone).getTime() - at.getTime()) / 60_000);
}

/**
 * Zero-based positions, in a list sorted from worst to best, of the values
 * that separate the quintiles: score = 1 + ⌊5 · worse / n⌋ is above k exactly
 * when more than the value at position ⌈k·n/5⌉ − 1 are worse, k = 1…4.
 */
export function quintileCutPositions(n: number): number[] {
  return [1, 2, 3, 4].map((k) => Math.ceil((k * n) / 5) - 1);
}

/** The quintile score of a value from the four cut values (as rfmScores scores it). */
export function quintileScore(value: number, cuts: readonly number[], higherIsBetter: boolean): number {
  let score = 1;
  for (const cut of cuts) if (higherIsBetter ? value > cut : value < cut) score++;
  return score;
}

export interface RfmCuts {
  /** Days since the last visit (fewer is better). */
  recency: number[];
  /** Visits. */
  frequency: number[];
  /** Spend. */
  monetary: number[];
}

/**
 * ABC by thresholds: the lowest spend still in A and in B (null when the
 * class is empty). abcClasses decides a group of equal spends by the spend
 * before it, which falls as spend falls, so a threshold decides the same.
 */
export interface AbcCuts {
  aMin: number | null;
  bMin: number | null;
}

export function abcOf(spendMinor: number, cuts: AbcCuts): AbcClass {
  if (spendMinor <= 0) return 'C';
  if (cuts.aMin !== null && spendMinor >= cuts.aMin) return 'A';
  if (cuts.bMin !== null && spendMinor >= cuts.bMin) return 'B';
  return 'C';
}

export interface MerchantModel {
  asOfDay: number;
  rfm: RfmCuts;
  abc: AbcCuts;
  rhythm: MerchantRhythm | null;
  bgNbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  settings: RunSettings;
}

/** The facts of a member as of the run's day (see FactColumns). */
export interface MemberFactsInput {
  firstDay: number;
  lastDay: number;
  visits: number;
  spendMinor: number;
  firstVisitMinor: number;
  gapCount: number;
  gapLogSum: number;
  gapLogSquares: number;
}

export interface MemberScores {
  rScore: number;
  fScore: number;
  mScore: number;
  segment: RfmSegment;
  abc: AbcClass;
  churnRisk: number;
  usualGapDays: number | null;
  rhythm: 'own' | 'merchant' | 'unknown';
  pAlive: number | null;
  expected30: number | null;
  expected90: number | null;
  expected365: number | null;
  expectedSpendMinor: number | null;
  clvMinor: number | null;
  atStakeMinor: number;
}

/** The model inputs of a member: repeat visits x, recency t_x, age T and the average repeat spend m̄. */
export function repeatHistoryOf(f: MemberFactsInput, asOfDay: number): { x: number; tx: number; T: number; monetary: number } {
  const x = f.visits - 1;
  return { x, tx: f.lastDay - f.firstDay, T: asOfDay - f.firstDay, monetary: x > 0 ? (f.spendMinor - f.firstVisitMinor) / x : 0 };
}

export function scoreMember(f: MemberFactsInput, model: MerchantModel): MemberScores {
  const { asOfDay, bgNbd, gammaGamma, settings } = model;
  const daysSinceLast = asOfDay - f.lastDay;
  const { x, tx, T, monetary } = repeatHistoryOf(f, asOfDay);
  const rScore = quintileScore(daysSinceLast, model.rfm.recency, false);
  const fScore = quintileScore(f.visits, model.rfm.frequency, true);
  const mScore = quintileScore(f.spendMinor, model.rfm.monetary, true);
  const pAlive = bgNbd ? probabilityAlive(bgNbd, x, tx, T) : null;
  const churn = churnRiskFromFacts({
    visits: f.visits,
    daysSinceLast,
    gaps: { count: f.gapCount, logSum: f.gapLogSum, logSquares: f.gapLogSquares },
    probabilityAlive: pAlive,
    merchant: model.rhythm,
  });
  const expected = (t: number) => (bgNbd ? conditionalExpectedPurchases(bgNbd, x, tx, T, t) : null);
  let expectedSpendMinor: number | null = null;
  let clvMinor: number | null = null;
  if (gammaGamma) expectedSpendMinor = Math.round(expectedSpend(gammaGamma, x, monetary));
  if (bgNbd && gammaGamma) {
    const clv = customerLifetimeValue(bgNbd, gammaGamma, { frequency: x, recency: tx, T, monetary }, {
      periods: settings.horizonMonths,
      discountRate: settings.discountRate,
      margin: settings.margin,
      periodLength: 30,
    });
    clvMinor = clv.clvMinor;
  }
  // What leaving would cost in a year: the member's spend in an average year of theirs (over a year at least, so a
  // new member's first weeks are not extrapolated), times the risk.
  const yearlySpend = (f.spendMinor * 365) / Math.max(T, 365);
  return {
    rScore,
    fScore,
    mScore,
    segment: rfmSegment(rScore, fScore),
    abc: abcOf(f.spendMinor, model.abc),
    churnRisk: churn.score,
    usualGapDays: churn.reason.usualGapDays,
    rhythm: churn.reason.rhythm,
    pAlive,
    expected30: expected(30),
    expected90: expected(90),
    expected365: expected(365),
    expectedSpendMinor,
    clvMinor,
    atStakeMinor: Math.max(0, Math.round((churn.score / 100) * yearlySpend)),
  };
}

export interface RunDiagnostics {
  members: number;
  /** Members the models were fitted on (all, or a random sample of fitSampleSize). */
  fitMembers: number;
  bgNbd: BgNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  rhythm: MerchantRhythm | null;
  /** Expected vs actual visits in the holdoutDays after the as-of day; null until that period is over. */
  holdout: { days: number; members: number; expected: number; actual: number; relativeError: number | null; byFrequency: HoldoutBucket[] } | null;
  /** Plain reasons when a model could not be used ("too few data"). */
  tooFewData: string[];
  /** Seconds per step of the run. */
  timings: Record<string, number>;
}

export interface ClassSummary {
  class: AbcClass;
  count: number;
  spendMinor: number;
}

export interface RunSummary {
  segments: SegmentSummary[];
  /** R × F cells with their members and spend. */
  grid: { r: number; f: number; members: number; spendMinor: number }[];
  /** Members moving between segments since the merchant's previous run (null for the first). */
  movement: { previousRunId: string; previousAsOf: string; moves: { from: string; to: string; members: number }[] } | null;
  abc: { members: ClassSummary[]; products: ClassSummary[] };
  /** Distribution of CLV (null without both models). */
  clv: { buckets: { fromMinor: number; toMinor: number | null; members: number }[]; p50: number; p90: number; p99: number; totalMinor: number } | null;
  /** Members per tenth of churn risk (0–9, 10–19, … 90–100). */
  churn: { from: number; members: number; atStakeMinor: number }[];
}

/** The instant a local date starts in the time zone (the offset taken near midnight, twice in case a DST change lies between). */
export function startOfDate(date: string, timeZone: string): Date {
  const wall = dayOfDate(date) * 86_400_000;
  let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}
