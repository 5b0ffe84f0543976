/**
 * A "wall" date is a Date whose UTC fields hold the local calendar fields of
 * a merchant's IANA time zone (built-in Intl data, no dependency); it is only
 * used for calendar maths and never stored.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The last answer of toWall. */
let last: { time: number; timeZone: string; wall: number } | null = null;

/** The local wall-clock time of an instant, as a "wall" date (UTC fields = local fields). */
export function toWall(instant: Date, timeZone: string): Date {
  // One sale asks for the same instant once per scheduled offer; formatToParts is the costly part.
  if (last && last.time === instant.getTime() && last.timeZone === timeZone) return new Date(last.wall);
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, instant.getUTCMilliseconds());
  last = { time: instant.getTime(), timeZone, wall };
  return new Date(wall);
}
