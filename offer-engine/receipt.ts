/**
 * Receipt text for applied offers. Plain ASCII digits with a point, whatever
 * the locale, so a till prints exactly what the server would without
 * depending on its ICU data; the name carries the owner's own words.
 */

/** An amount in minor units as major units with `digits` decimals: 100 → "1.00". */
export function money(minor: number, digits: number): string {
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(minor);
  if (digits <= 0) return `${sign}${abs}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}

/** One line per applied offer: "3 for 5.00 Yoghurt −1.00", "Double points +120 points", "Spend 50: coupon 5.00 off 2026-12-08 to 2026-12-14". */
export function receiptLine(
  name: string,
  discountMinor: number,
  points: number,
  coupon: { amountOffMinor: number; validFrom: string; validUntil: string } | null,
  digits: number,
): string {
  const parts = [name];
  if (discountMinor > 0) parts.push(money(-discountMinor, digits));
  if (points > 0) parts.push(`+${points} points`);
  const text = parts.join(' ');
  return coupon ? `${text}: coupon ${money(coupon.amountOffMinor, digits)} off ${coupon.validFrom} to ${coupon.validUntil}` : text;
}
