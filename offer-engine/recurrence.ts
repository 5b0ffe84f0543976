import { toWall } from './wall-clock';

/**
 * Is a schedule (a promotion's or an offer's) active at an instant? Dates,
 * recurrence and time of day are all the merchant's local calendar. The
 * earning rules (src/rules) and the offer engine share this one evaluator,
 * so it lives in the engine's folder, which imports nothing from outside.
 *
 * Recurrences are a bounded subset of iCalendar RRULE: at most one
 * occurrence a day (FREQ=DAILY and coarser; the time window is `startTime`
 * and `durationMinutes`, never BYHOUR/BYMINUTE/BYSECOND), no COUNT (a count
 * depends on every earlier occurrence). Whether a day is an occurrence is
 * decided from that day's own week, month or year, so an evaluation looks at
 * no more than the days one occurrence can last (at most 8), however old the
 * rule and even if it never occurs: a general RRULE engine walks from the
 * rule's start, and a promotion repeating every second, or on 30 February,
 * stalled every basket (issue 15, finding 1).
 */

const DAY_MS = 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
const MAX_INTERVAL = 99;
/** A rule must occur within this many years of its start: a shop needs nothing rarer, and a rule that never occurs is a mistake. */
const FIRST_OCCURRENCE_YEARS = 8;

type Freq = (typeof FREQS)[number];

/** A parsed recurrence; weekdays are 0 = Sunday … 6 = Saturday, like Date#getUTCDay. */
export interface RecurrenceRule {
  freq: Freq;
  interval: number;
  byDay: { weekday: number; nth: number | null }[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  weekStart: number;
}

/** Counts the days tested, so tests can assert the work an evaluation does. */
export interface RecurrenceWork {
  dayTests: number;
}

const HINT = 'a promotion occurs at most once a day, from startTime for durationMinutes';

/** Parses an RRULE body of the supported subset, or says what is wrong with it. */
export function parseRecurrence(text: string): { rule: RecurrenceRule } | { problem: string } {
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : part;
    if (eq <= 0) return { problem: `"${part}" is not KEY=VALUE` };
    if (parts.has(key)) return { problem: `${key} is given twice` };
    parts.set(key, part.slice(eq + 1));
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) return { problem: 'FREQ is required' };
  if (!(FREQS as readonly string[]).includes(freq)) return { problem: `FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: ${HINT}` };
  const rule: RecurrenceRule = { freq: freq as Freq, interval: 1, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [], weekStart: 1 };
  for (const [key, value] of parts) {
    switch (key) {
      case 'FREQ':
        break;
      case 'INTERVAL': {
        const n = integer(value);
        if (n === null || n < 1 || n > MAX_INTERVAL) return { problem: `INTERVAL must be 1 to ${MAX_INTERVAL}` };
        rule.interval = n;
        break;
      }
      case 'BYDAY':
        for (const item of value.split(',')) {
          const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item);
          if (!m) return { problem: `BYDAY "${item}" is not a weekday such as TU, 2TU or -1FR` };
          rule.byDay.push({ weekday: WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]), nth: m[1] === undefined ? null : Number(m[1]) });
        }
        break;
      case 'BYMONTHDAY': {
        const days = integers(value, 1, 31, true);
        if (!days) return { problem: 'BYMONTHDAY must list days 1 to 31 or -31 to -1' };
        rule.byMonthDay = days;
        break;
      }
      case 'BYMONTH': {
        const months = integers(value, 1, 12, false);
        if (!months) return { problem: 'BYMONTH must list months 1 to 12' };
        rule.byMonth = months;
        break;
      }
      case 'BYSETPOS': {
        const positions = integers(value, 1, 366, true);
        if (!positions) return { problem: 'BYSETPOS must list positions 1 to 366 or -366 to -1' };
        rule.bySetPos = positions;
        break;
      }
      case 'WKST': {
        const w = WEEKDAYS.indexOf(value as (typeof WEEKDAYS)[number]);
        if (w < 0) return { problem: 'WKST must be a weekday such as MO' };
        rule.weekStart = w;
        break;
      }
      case 'DTSTART':
      case 'UNTIL':
        return { problem: 'DTSTART and UNTIL are not allowed; use startsOn and endsOn' };
      case 'COUNT':
        return { problem: 'COUNT is not allowed; use endsOn' };
      case 'BYHOUR':
      case 'BYMINUTE':
      case 'BYSECOND':
        return { problem: `${key} is not allowed: ${HINT}` };
      default:
        return { problem: `${key} is not supported; use BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, INTERVAL or WKST` };
    }
  }
  const ordinalLimit = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && rule.byMonth.length > 0) ? 5 : rule.freq === 'YEARLY' ? 53 : 0;
  for (const { nth } of rule.byDay) {
    if (nth === null) continue;
    if (ordinalLimit === 0) return { problem: `BYDAY with a number (such as 2TU) needs FREQ=MONTHLY or YEARLY` };
    if (nth === 0 || Math.abs(nth) > ordinalLimit) return { problem: `BYDAY numbers must be 1 to ${ordinalLimit} or -${ordinalLimit} to -1` };
  }
  // Engines disagree on a mix (RFC 5545 reads "either", dateutil and rrule.js "both"), so it is refused.
  if (rule.byDay.some((b) => b.nth === null) && rule.byDay.some((b) => b.nth !== null)) return { problem: 'BYDAY must give all weekdays with a number (1MO,-1FR) or none (MO,FR)' };
  if (rule.freq === 'WEEKLY' && rule.byMonthDay.length > 0) return { problem: 'BYMONTHDAY cannot be used with FREQ=WEEKLY' };
  if (rule.bySetPos.length > 0 && (rule.freq === 'DAILY' || rule.freq === 'WEEKLY')) return { problem: 'BYSETPOS needs FREQ=MONTHLY or YEARLY' };
  if (rule.bySetPos.length > 0 && rule.byDay.length === 0 && rule.byMonthDay.length === 0) return { problem: 'BYSETPOS needs BYDAY or BYMONTHDAY' };
  return { rule };
}

/** Checks that an RRULE body is in the supported subset, for input validation. */
export function rruleProblem(text: string): string | null {
  const parsed = parseRecurrence(text);
  return 'problem' in parsed ? parsed.problem : null;
}

/** Checks that a rule occurs within the first years after `startsOn` (the anchor). */
export function firstOccurrenceProblem(text: string, startsOn: string): string | null {
  const parsed = parseRecurrence(text);
  if ('problem' in parsed) return parsed.problem;
  const anchor = dayNumber(startsOn);
  const sets = new PeriodSets();
  const work = { dayTests: 0 };
  const last = anchor + FIRST_OCCURRENCE_YEARS * 366;
  for (let day = anchor; day <= last; day++) {
    if (occursOn(parsed.rule, anchor, day, work, sets)) return null;
  }
  return `the rule does not occur within ${FIRST_OCCURRENCE_YEARS} years of startsOn`;
}

/** When something runs: local dates (inclusive) and an optional recurrence. */
export interface Schedule {
  /** YYYY-MM-DD, the first local day; also anchors the recurrence. */
  startsOn: string;
  /** YYYY-MM-DD, the last local day, or null for no end. */
  endsOn: string | null;
  /** null: all day on every day between the dates. */
  recurrence: { rrule: string; startTime: string; durationMinutes: number } | null;
}

export function isScheduleActive(promo: Schedule, at: Date, timeZone: string, work: RecurrenceWork = { dayTests: 0 }): boolean {
  const wall = toWall(at, timeZone);
  const today = wall.toISOString().slice(0, 10);
  if (!promo.recurrence) return today >= promo.startsOn && (promo.endsOn === null || today <= promo.endsOn);
  const { rrule, startTime, durationMinutes } = promo.recurrence;
  const rule = compiled(rrule);
  const anchor = dayNumber(promo.startsOn);
  const [hh, mm] = startTime.split(':').map(Number);
  const sets = new PeriodSets();
  // An occurrence that started more days back than it lasts has ended by today's midnight.
  const lookback = Math.ceil(durationMinutes / 1440);
  for (let day = dayNumber(today); day >= dayNumber(today) - lookback && day >= anchor; day--) {
    const start = day * DAY_MS + (hh * 60 + mm) * 60_000;
    if (start > wall.getTime() || !occursOn(rule, anchor, day, work, sets)) continue;
    // The latest occurrence decides. It must start within the date range; it may run past endsOn's midnight.
    if (promo.endsOn !== null && day > dayNumber(promo.endsOn)) return false;
    return wall.getTime() < start + durationMinutes * 60_000;
  }
  return false;
}

const rules = new Map<string, RecurrenceRule>();
const MAX_CACHED_RULES = 1000;

/** Parsed rules, cached: validated programs are evaluated on every basket. */
function compiled(text: string): RecurrenceRule {
  let rule = rules.get(text);
  if (!rule) {
    const parsed = parseRecurrence(text);
    // Programs and offers are validated on save, so a stored rule always parses.
    if ('problem' in parsed) throw new Error(`stored recurrence does not parse: ${parsed.problem}`);
    rule = parsed.rule;
    if (rules.size >= MAX_CACHED_RULES) rules.clear();
    rules.set(text, rule);
  }
  return rule;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

/** Is `day` (days since 1970-01-01) an occurrence of a rule anchored at `anchor`? */
export function occursOn(rule: RecurrenceRule, anchor: number, day: number, work: RecurrenceWork, sets = new PeriodSets()): boolean {
  if (day < anchor) return false;
  const [first, length] = period(rule, day);
  // INTERVAL counts periods from the anchor's own week, month or year.
  if ((periodIndex(rule, first) - periodIndex(rule, period(rule, anchor)[0])) % rule.interval !== 0) return false;
  if (rule.bySetPos.length === 0) {
    work.dayTests++;
    return matches(rule, anchor, day);
  }
  // BYSETPOS picks from the whole period's matching days (before the anchor too, as RFC 5545 does).
  let chosen = sets.get(first);
  if (!chosen) {
    const all: number[] = [];
    for (let d = first; d < first + length; d++) {
      work.dayTests++;
      if (matches(rule, anchor, d)) all.push(d);
    }
    chosen = new Set(rule.bySetPos.map((pos) => (pos > 0 ? all[pos - 1] : all[all.length + pos])).filter((d) => d !== undefined));
    sets.set(first, chosen);
  }
  return chosen.has(day);
}

/** The chosen days of periods already computed in one evaluation. */
export class PeriodSets extends Map<number, Set<number>> {}

/** The first day and length of the week, month or year (by FREQ) that contains `day`. */
function period(rule: RecurrenceRule, day: number): [number, number] {
  const date = new Date(day * DAY_MS);
  switch (rule.freq) {
    case 'DAILY':
      return [day, 1];
    case 'WEEKLY':
      return [day - ((date.getUTCDay() - rule.weekStart + 7) % 7), 7];
    case 'MONTHLY': {
      const first = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
      return [first, daysInMonth(date.getUTCFullYear(), date.getUTCMonth())];
    }
    case 'YEARLY': {
      const y = date.getUTCFullYear();
      return [Date.UTC(y, 0, 1) / DAY_MS, Date.UTC(y + 1, 0, 1) / DAY_MS - Date.UTC(y, 0, 1) / DAY_MS];
    }
  }
}

/** A number that grows by one per period, for INTERVAL. */
function periodIndex(rule: RecurrenceRule, first: number): number {
  const date = new Date(first * DAY_MS);
  switch (rule.freq) {
    case 'DAILY':
      return first;
    case 'WEEKLY':
      return Math.floor(first / 7);
    case 'MONTHLY':
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    case 'YEARLY':
      return date.getUTCFullYear();
  }
}

/** Does a day match the BYxxx parts (or, without them, the anchor's weekday, day or date)? */
function matches(rule: RecurrenceRule, anchor: number, day: number): boolean {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const dom = date.getUTCDate();
  const weekday = date.getUTCDay();
  const monthLength = daysInMonth(year, month);
  if (rule.byMonth.length > 0 && !rule.byMonth.includes(month + 1)) return false;
  if (rule.byMonthDay.length > 0 && !rule.byMonthDay.some((n) => (n > 0 ? n === dom : monthLength + n + 1 === dom))) return false;
  if (rule.byDay.length > 0) {
    // Numbered weekdays count within the month (MONTHLY, or YEARLY with BYMONTH) or the year.
    const inYear = rule.freq === 'YEARLY' && rule.byMonth.length === 0;
    const position = inYear ? day - Date.UTC(year, 0, 1) / DAY_MS + 1 : dom;
    const length = inYear ? Date.UTC(year + 1, 0, 1) / DAY_MS - Date.UTC(year, 0, 1) / DAY_MS : monthLength;
    const nthFromStart = Math.ceil(position / 7);
    const nthFromEnd = -(Math.floor((length - position) / 7) + 1);
    if (!rule.byDay.some((b) => b.weekday === weekday && (b.nth === null || b.nth === nthFromStart || b.nth === nthFromEnd))) return false;
  }
  if (rule.byDay.length > 0 || rule.byMonthDay.length > 0) return true;
  // No day given: the anchor's weekday (WEEKLY), day of month (MONTHLY, YEARLY with BYMONTH) or date (YEARLY).
  const a = new Date(anchor * DAY_MS);
  switch (rule.freq) {
    case 'DAILY':
      return true;
    case 'WEEKLY':
      return weekday === a.getUTCDay();
    case 'MONTHLY':
      return dom === a.getUTCDate();
    case 'YEARLY':
      return dom === a.getUTCDate() && (rule.byMonth.length > 0 || month === a.getUTCMonth());
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function integer(text: string): number | null {
  return /^[+-]?\d{1,3}$/.test(text) ? Number(text) : null;
}

/** A comma list of integers within ±[min, max] (negatives only when allowed), or null. */
function integers(text: string, min: number, max: number, negative: boolean): number[] | null {
  const out: number[] = [];
  for (const item of text.split(',')) {
    const n = integer(item);
    if (n === null) return null;
    const size = Math.abs(n);
    if (size < min || size > max || (n < 0 && !negative)) return null;
    out.push(n);
  }
  return out;
}
