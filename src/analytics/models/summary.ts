/**
 * From a member's purchases to the inputs the models take, as of a given
 * day, so every analytic can be computed as it would have been on a past
 * date: purchases after `asOfDay` do not exist yet.
 *
 * Days are whole days (e.g. days since 1970-01-01 in the merchant's time
 * zone). Purchases on the same day are one visit (their amounts add up), as
 * in lifetimes; a day whose net amount is not positive (only returns) is no
 * visit.
 */
export interface Purchase {
  day: number;
  /** Net amount in minor units; returns are negative. */
  amountMinor: number;
}

export interface MemberSummary {
  /** Visits (distinct purchase days) up to the as-of day. */
  purchases: number;
  /** Repeat visits x = purchases − 1. */
  frequency: number;
  /** Days from the first to the last visit (t_x). */
  recency: number;
  /** Days from the first visit to the as-of day. */
  T: number;
  /** Average spend of the repeat visits in minor units (0 when there are none): the Gamma-Gamma's m̄. */
  monetary: number;
  totalSpendMinor: number;
  firstDay: number;
  lastDay: number;
  daysSinceLast: number;
}

/** The visit days (sorted, distinct) with their net amounts, up to and including `asOfDay`. */
export function visitsAsOf(purchases: readonly Purchase[], asOfDay: number): { day: number; amountMinor: number }[] {
  const byDay = new Map<number, number>();
  for (const p of purchases) {
    if (p.day > asOfDay) continue;
    byDay.set(p.day, (byDay.get(p.day) ?? 0) + p.amountMinor);
  }
  return [...byDay.entries()]
    .filter(([, amount]) => amount > 0)
    .map(([day, amountMinor]) => ({ day, amountMinor }))
    .sort((p, q) => p.day - q.day);
}

/** The member's summary as of `asOfDay`, or null when they had not bought by then. */
export function summarizeMember(purchases: readonly Purchase[], asOfDay: number): MemberSummary | null {
  const visits = visitsAsOf(purchases, asOfDay);
  if (visits.length === 0) return null;
  const first = visits[0];
  const last = visits[visits.length - 1];
  const totalSpendMinor = visits.reduce((s, v) => s + v.amountMinor, 0);
  const frequency = visits.length - 1;
  return {
    purchases: visits.length,
    frequency,
    recency: last.day - first.day,
    T: asOfDay - first.day,
    monetary: frequency > 0 ? (totalSpendMinor - first.amountMinor) / frequency : 0,
    totalSpendMinor,
    firstDay: first.day,
    lastDay: last.day,
    daysSinceLast: asOfDay - last.day,
  };
}

/** Visits in the holdout period (afterDay, untilDay]: what the calibration/holdout check compares with. */
export function visitsBetween(purchases: readonly Purchase[], afterDay: number, untilDay: number): number {
  return visitsAsOf(purchases, untilDay).filter((v) => v.day > afterDay).length;
}

/** Gaps in days between consecutive visit days. */
export function gapsOf(visitDays: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < visitDays.length; i++) gaps.push(visitDays[i] - visitDays[i - 1]);
  return gaps;
}
