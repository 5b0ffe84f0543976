import { RRule } from 'rrule';
import type { PromotionRule } from './program.schemas';
import { toWall } from './time-zone';

/**
 * Is a promotion active at an instant? Dates, recurrence and time of day are
 * all the merchant's local calendar.
 *
 * Recurrences use the `rrule` package (RFC 5545 BYDAY/BYMONTHDAY/BYSETPOS/
 * INTERVAL… are easy to get subtly wrong by hand) in "floating" time: both the
 * anchor (startsOn at startTime) and the instant are given to it as wall-clock
 * dates in UTC fields, so a DST change never shifts a 16:00–18:00 window,
 * and rrule's own time-zone support (which depends on the host zone) is not used.
 */
export function isPromotionActive(promo: PromotionRule, at: Date, timeZone: string): boolean {
  const wall = toWall(at, timeZone);
  const today = wall.toISOString().slice(0, 10);
  if (today < promo.startsOn && !promo.recurrence) return false;
  if (!promo.recurrence) return promo.endsOn === null || today <= promo.endsOn;
  const start = latestOccurrenceStart(promo.recurrence.rrule, promo.startsOn, promo.recurrence.startTime, wall);
  if (!start) return false;
  // The occurrence must start within the date range; it may run past endsOn's midnight.
  const startDay = start.toISOString().slice(0, 10);
  if (promo.endsOn !== null && startDay > promo.endsOn) return false;
  return wall.getTime() < start.getTime() + promo.recurrence.durationMinutes * 60_000;
}

const rules = new Map<string, RRule>();
const MAX_CACHED_RULES = 1000;

/** The start (wall time) of the last occurrence at or before `wall`, or null. */
function latestOccurrenceStart(rrule: string, startsOn: string, startTime: string, wall: Date): Date | null {
  const key = `${rrule}|${startsOn}|${startTime}`;
  let rule = rules.get(key);
  if (!rule) {
    const [y, m, d] = startsOn.split('-').map(Number);
    const [hh, mm] = startTime.split(':').map(Number);
    rule = new RRule({ ...RRule.parseString(rrule), dtstart: new Date(Date.UTC(y, m - 1, d, hh, mm)), tzid: null });
    // Promotions are few; the bound only protects against a pathological program.
    if (rules.size >= MAX_CACHED_RULES) rules.clear();
    rules.set(key, rule);
  }
  return rule.before(wall, true);
}

/** Checks that an RRULE body parses, for input validation. */
export function rruleProblem(rrule: string): string | null {
  try {
    const opts = RRule.parseString(rrule);
    if (opts.dtstart || opts.until) return 'DTSTART and UNTIL are not allowed; use startsOn and endsOn';
    new RRule(opts);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'invalid RRULE';
  }
}
