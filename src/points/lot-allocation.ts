/**
 * Which earn lots points come from and go to. Pure: the points service reads
 * the lots, these functions decide, and the service writes what they decided.
 *
 * Kept true by every caller: pending = Σ remaining of pending lots, and
 * max(available, 0) = Σ remaining of released lots (a negative balance is a
 * debt that the next credited points pay off first).
 */

export interface LotState {
  id: number;
  remaining: number;
  pending: boolean;
  open: boolean;
  availableAt: Date;
  expiresAt: Date | null;
}

export interface BalanceParts {
  available: number;
  pending: number;
}

/** Points taken from one lot. */
export interface Take<T extends LotState = LotState> {
  lot: T;
  take: number;
}

/**
 * Takes `points` from the lots in the order given: each lot gives what it has
 * until nothing is left to take. `left` is what the lots could not cover.
 */
export function takeFromLots<T extends LotState>(lots: readonly T[], points: number): { takes: Take<T>[]; left: number } {
  const takes: Take<T>[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take === 0) continue;
    takes.push({ lot, take });
    left -= take;
  }
  return { takes, left };
}

/** Spendable lots in the order points are spent: earliest expiry first, never-expiring last, then oldest. */
export function spendOrder<T extends LotState>(lots: readonly T[]): T[] {
  return [...lots].sort((a, b) => {
    if ((a.expiresAt === null) !== (b.expiresAt === null)) return a.expiresAt === null ? 1 : -1;
    const byExpiry = a.expiresAt && b.expiresAt ? a.expiresAt.getTime() - b.expiresAt.getTime() : 0;
    return byExpiry !== 0 ? byExpiry : a.id - b.id;
  });
}

/** How much of newly spendable points goes to paying off a negative balance. */
export function debtPaid(available: number, points: number): number {
  return Math.min(points, Math.max(0, -available));
}

/** What settling a balance at `now` changes: lots to release (with what they keep after paying debt) and lots to expire. */
export interface Settlement {
  balance: BalanceParts;
  released: { lot: LotState; remaining: number }[];
  expired: LotState[];
  /** Points the expired lots still held: one expire entry of this many. */
  expiredPoints: number;
}

/**
 * Brings a balance up to `now` from the lots that are due (in id order):
 * pending lots whose hold is over become spendable (first paying off any
 * debt), then open lots past their expiry lose what they hold.
 */
export function settleLots(balance: BalanceParts, due: readonly LotState[], now: Date): Settlement {
  const b = { ...balance };
  const lots = due.map((l) => ({ ...l }));
  const released: Settlement['released'] = [];
  for (const lot of lots) {
    if (!lot.pending || lot.availableAt > now) continue;
    const paid = debtPaid(b.available, lot.remaining);
    b.pending -= lot.remaining;
    b.available += lot.remaining;
    lot.pending = false;
    lot.remaining -= paid;
    lot.open = lot.remaining > 0;
    released.push({ lot, remaining: lot.remaining });
  }
  const expired = lots.filter((l) => l.open && l.expiresAt !== null && l.expiresAt <= now);
  let expiredPoints = 0;
  for (const lot of expired) {
    expiredPoints += lot.remaining;
    if (lot.pending) b.pending -= lot.remaining;
    else b.available -= lot.remaining;
  }
  return { balance: b, released, expired, expiredPoints };
}

/** Total and first expiry of the lots that expire after `now` and no later than `horizon`. */
export function expiringWithin(lots: readonly LotState[], now: Date, horizon: Date): { points: number; expiresAt: Date } | null {
  let points = 0;
  let expiresAt: Date | null = null;
  for (const lot of lots) {
    if (lot.expiresAt === null || lot.expiresAt <= now || lot.expiresAt > horizon) continue;
    points += lot.remaining;
    if (expiresAt === null || lot.expiresAt < expiresAt) expiresAt = lot.expiresAt;
  }
  return expiresAt && points > 0 ? { points, expiresAt } : null;
}
