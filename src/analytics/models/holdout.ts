import { conditionalExpectedPurchases, type BgNbdParams, type RepeatHistory } from './bgnbd';

export interface HoldoutBucket {
  /** Repeat purchases in the calibration period: '0' … '6', '7+'. */
  frequency: string;
  members: number;
  expectedMean: number;
  actualMean: number;
}

export interface HoldoutCheck {
  members: number;
  expected: number;
  actual: number;
  /** (expected − actual) / actual; null when nobody bought in the holdout. */
  relativeError: number | null;
  /** Expected vs actual by calibration frequency, as FHL 2005 plot their conditional expectations. */
  byFrequency: HoldoutBucket[];
}

const TOP_BUCKET = 7;

/**
 * The calibration/holdout check: the model fitted on the calibration period
 * predicts each member's purchases in the following `holdoutLength` time
 * units (E[Y(t) | x, t_x, T]); compare with the purchases that happened.
 */
export function holdoutCheck(params: BgNbdParams, calibration: RepeatHistory, holdoutPurchases: ArrayLike<number>, holdoutLength: number): HoldoutCheck {
  const n = calibration.frequency.length;
  if (holdoutPurchases.length !== n) throw new RangeError('one holdout count per member');
  const buckets = Array.from({ length: TOP_BUCKET + 1 }, () => ({ members: 0, expected: 0, actual: 0 }));
  let expected = 0;
  let actual = 0;
  for (let i = 0; i < n; i++) {
    const x = calibration.frequency[i];
    const e = conditionalExpectedPurchases(params, x, calibration.recency[i], calibration.T[i], holdoutLength);
    const bucket = buckets[Math.min(x, TOP_BUCKET)];
    bucket.members++;
    bucket.expected += e;
    bucket.actual += holdoutPurchases[i];
    expected += e;
    actual += holdoutPurchases[i];
  }
  return {
    members: n,
    expected,
    actual,
    relativeError: actual > 0 ? (expected - actual) / actual : null,
    byFrequency: buckets.map((b, x) => ({
      frequency: x === TOP_BUCKET ? `${TOP_BUCKET}+` : String(x),
      members: b.members,
      expectedMean: b.members > 0 ? b.expected / b.members : 0,
      actualMean: b.members > 0 ? b.actual / b.members : 0,
    })),
  };
}
