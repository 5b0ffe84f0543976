/**
 * Locale-aware display through Intl. Money stays integer minor units
 * everywhere; only here is it divided for display, and parseMoney turns what
 * a person typed back into minor units without floating point.
 */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      minor / 10 ** digits,
    );
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

export function formatNumber(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatPercent(ratio: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

export function formatDate(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(d);
}

export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}

/**
 * "12.5", "12,50" or "1 234.5" → minor units (1250, 123450) for a currency
 * with the given decimals; null when it is not an amount.
 */
export function parseMoney(text: string, digits: number): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f']/g, '');
  const m = /^(\d{1,12})(?:[.,](\d*))?$/.exec(cleaned);
  if (!m) return null;
  const fraction = (m[2] ?? '').slice(0, digits).padEnd(digits, '0');
  if ((m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + (digits ? Number(fraction) : 0);
}

/** "1.5" (units) → 1500 thousandths; weighed goods may have three decimals. */
export function parseQuantity(text: string): number | null {
  const m = /^(\d{1,5})(?:[.,](\d{0,3}))?$/.exec(text.trim());
  if (!m) return null;
  const q = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  return q > 0 ? q : null;
}

export function minorToInput(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
