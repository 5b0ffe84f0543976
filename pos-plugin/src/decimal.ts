/**
 * Exact decimal text → integer scaled by 10^digits ("2.55" with 2 digits →
 * 255; "0.452" with 3 → 452). String arithmetic only: 2.55 * 100 in floating
 * point is 254.99999999999997. Returns null when the text is not a plain
 * non-negative decimal or has more significant decimals than `digits`.
 */
export function parseScaled(text: string, digits: number): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const value = Number(m[1] + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(value) ? value : null;
}
