import { toWall } from '../../offer-engine/wall-clock';

/**
 * Wall-clock arithmetic in a merchant's IANA time zone with the built-in
 * Intl data (no extra dependency). A "wall" date is a Date whose UTC fields
 * hold the local calendar fields; it is only used for calendar maths and
 * never stored. `toWall` lives with the offer engine, which needs it too and
 * imports nothing from outside its folder.
 */
export { toWall };

/**
 * The instant a local wall-clock time happens. A time skipped by a DST jump
 * moves forward by the jump (01:30 on a 01:00→02:00 night is 02:30); a
 * repeated hour maps to its first pass.
 */
export function fromWall(wall: Date, timeZone: string): Date {
  const target = wall.getTime();
  const offsetAt = (t: number) => toWall(new Date(t), timeZone).getTime() - t;
  // The offset near the target, then once more in case a DST change lies in between.
  let guess = target - offsetAt(target);
  guess = target - offsetAt(guess);
  const hourEarlier = guess - 3_600_000;
  if (toWall(new Date(hourEarlier), timeZone).getTime() === target) return new Date(hourEarlier);
  return new Date(guess);
}

/** Local midnight starting the day/week (Monday)/month containing the instant. */
export function startOfLocalPeriod(instant: Date, period: 'day' | 'week' | 'month', timeZone: string): Date {
  const w = toWall(instant, timeZone);
  let start: Date;
  if (period === 'month') start = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), 1));
  else {
    start = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate()));
    if (period === 'week') start = new Date(start.getTime() - ((start.getUTCDay() + 6) % 7) * 86_400_000);
  }
  return fromWall(start, timeZone);
}

/** [start, end) of the local day/week/month containing the instant. */
export function localPeriod(instant: Date, period: 'day' | 'week' | 'month', timeZone: string): { from: Date; to: Date } {
  const from = startOfLocalPeriod(instant, period, timeZone);
  // Past the end by more than any DST shift, less than a whole period more.
  const beyondHours = { day: 36, week: 7 * 24 + 12, month: 32 * 24 }[period];
  return { from, to: startOfLocalPeriod(new Date(from.getTime() + beyondHours * 3_600_000), period, timeZone) };
}
