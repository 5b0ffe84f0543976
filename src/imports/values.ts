/**
 * Reading the cells of an imported file: decimal amounts into integer minor
 * units and thousandths without passing through floats, dates, yes/no.
 * Each returns null for a value it cannot read; the caller names the field.
 */

/** "12.5", "-3", "1,234.50" → integer units of 10^-digits; null if not a plain decimal or more precise than `digits`. */
export function parseDecimal(raw: string, digits: number): number | null {
  const text = raw.trim().replace(/,/g, '');
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text) ?? /^([+-]?)()\.(\d+)$/.exec(text);
  if (!m) return null;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const units = Number(`${m[2] || '0'}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(units)) return null;
  return m[1] === '-' && units !== 0 ? -units : units;
}

export function parseInteger(raw: string): number | null {
  return parseDecimal(raw, 0);
}

/** A YYYY-MM-DD calendar date that exists. */
export function parseDate(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? raw.trim() : null;
}

/**
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.sss]]" or with "T", optionally with
 * "Z" or "±HH:MM". Without an offset the time is a wall clock: `wall` holds
 * its fields in UTC and `zoned` is false, so the caller places it in the
 * store's time zone.
 */
export function parseDateTime(raw: string): { wall: Date; zoned: boolean } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  if (h > 23 || mi > 59 || s > 59 || parseDate(`${m[1]}-${m[2]}-${m[3]}`) === null) return null;
  let time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const offset = m[8];
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return { wall: new Date(time), zoned: offset !== undefined };
}

const YES = new Set(['yes', 'y', 'true', '1', 'granted', 'ja', 'si', 'oui']);
const NO = new Set(['no', 'n', 'false', '0', 'refused', 'denied', 'nein', 'non']);

export function parseYesNo(raw: string): boolean | null {
  const text = raw.trim().toLowerCase();
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return null;
}
