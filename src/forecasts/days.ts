import { toWall } from '../../offer-engine/wall-clock';

const DAY_MS = 86_400_000;

/** Days are counted from 1970-01-01; a date 'YYYY-MM-DD' is its day number. */
export function dayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Today's date in the time zone. */
export function localDate(now: Date, timeZone: string): string {
  return toWall(now, timeZone).toISOString().slice(0, 10);
}

/** Minutes the zone's clock is ahead of UTC at an instant. */
export function offsetMinutes(at: Date, timeZone: string): number {
  return Math.round((toWall(at, timeZone).getTime() - at.getTime()) / 60_000);
}

/** The instant a local date starts in the time zone (the offset taken twice, in case a DST change lies between). */
export function startOfDate(date: string, timeZone: string): Date {
  const wall = dayOfDate(date) * DAY_MS;
  let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}
