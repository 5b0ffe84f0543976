/**
 * RFM quintile scores and named segments, per merchant.
 *
 * Each of recency (days since the last visit; fewer is better), frequency
 * (visits) and monetary (total spend) becomes a score 1–5 by rank among the
 * merchant's members: score = 1 + ⌊5 · (members strictly worse) / n⌋. Equal
 * values always share a score, so when most members visited once they all
 * get F = 1 rather than being split at random.
 */
export interface RfmInput {
  daysSinceLast: number;
  purchases: number;
  spendMinor: number;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

export const RFM_SEGMENTS = ['Champions', 'Loyal', 'Potential loyalists', 'New', 'At risk', "Can't lose", 'Hibernating', 'Lost'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * Segment by recency and frequency score (the usual R × F grid; spend is
 * the M score beside it):
 *
 *   R\F   1            2            3            4            5
 *   5     New          Potential    Potential    Champions    Champions
 *   4     New          Potential    Potential    Loyal        Loyal
 *   3     Hibernating  Hibernating  Potential    Loyal        Loyal
 *   2     Hibernating  Hibernating  At risk      At risk      Can't lose
 *   1     Lost         Lost         At risk      At risk      Can't lose
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  if (r >= 3) {
    if (f >= 4) return r === 5 ? 'Champions' : 'Loyal';
    if (f >= 2) return r === 3 && f === 2 ? 'Hibernating' : 'Potential loyalists';
    return r === 3 ? 'Hibernating' : 'New';
  }
  if (f === 5) return "Can't lose";
  if (f >= 3) return 'At risk';
  return r === 2 ? 'Hibernating' : 'Lost';
}

/** Quintile score 1–5 of each value; `higherIsBetter` false for recency. */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const sorted = values.map((v) => (higherIsBetter ? v : -v)).sort((p, q) => p - q);
  return values.map((v) => {
    const key = higherIsBetter ? v : -v;
    const worse = lowerBound(sorted, key);
    return 1 + Math.floor((5 * worse) / n);
  });
}

export function rfmScores(members: readonly RfmInput[]): RfmScore[] {
  const r = quintileScores(members.map((m) => m.daysSinceLast), false);
  const f = quintileScores(members.map((m) => m.purchases), true);
  const m = quintileScores(members.map((x) => x.spendMinor), true);
  return members.map((_, i) => ({ r: r[i], f: f[i], m: m[i], segment: rfmSegment(r[i], f[i]) }));
}

export interface SegmentSummary {
  segment: RfmSegment;
  members: number;
  spendMinor: number;
  /** Share of the merchant's spend in basis points (integer, 10 000 = all). */
  spendShareBasisPoints: number;
}

/** Counts and spend share per segment (every segment listed, in RFM_SEGMENTS order). */
export function segmentSummary(members: readonly RfmInput[], scores: readonly RfmScore[]): SegmentSummary[] {
  const total = members.reduce((s, m) => s + m.spendMinor, 0);
  return RFM_SEGMENTS.map((segment) => {
    let count = 0;
    let spend = 0;
    scores.forEach((s, i) => {
      if (s.segment !== segment) return;
      count++;
      spend += members[i].spendMinor;
    });
    return { segment, members: count, spendMinor: spend, spendShareBasisPoints: total > 0 ? Math.round((spend * 10_000) / total) : 0 };
  });
}

/** Movement between two runs: how many members went from each segment to each other (same member order). */
export function segmentMovement(before: readonly RfmSegment[], after: readonly RfmSegment[]): { from: RfmSegment; to: RfmSegment; members: number }[] {
  if (before.length !== after.length) throw new RangeError('the two runs must list the same members in the same order');
  const counts = new Map<string, number>();
  before.forEach((from, i) => {
    const key = `${from}\u0000${after[i]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return [...counts.entries()].map(([key, members]) => {
    const [from, to] = key.split('\u0000') as [RfmSegment, RfmSegment];
    return { from, to, members };
  });
}

/** Index of the first element ≥ key in an ascending array (= how many are strictly less). */
function lowerBound(sorted: readonly number[], key: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
