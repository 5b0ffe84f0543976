/**
 * The lines a till prints under the receipt. Plain strings in the merchant's
 * locale and currency, so every POS can print them without knowing the rules.
 */
export interface ReceiptFacts {
  locale: string;
  currency: string;
  /** Dates print in the merchant's calendar. */
  timeZone: string;
  pointsEarned: number;
  /** Set when earned points are held before they can be spent. */
  pendingUntil: Date | null;
  pointsRedeemed: number;
  redeemValueMinor: number;
  /** Available balance after the sale; null for an anonymous sale. */
  balance: number | null;
  nextTier: { name: string; remaining: number; unit: 'spend_minor' | 'points' } | null;
  /** The tier this sale lifted the member into, if any. */
  tierReached?: string | null;
  expiringSoon: { points: number; expiresAt: Date } | null;
  /** An anonymous sale's claim code (see purchases/claim-code.ts). */
  claimCode?: string;
  /** One line per applied offer, as the offer engine wrote it ("3 for 5.00 Yoghurt −1.00"). */
  offerLines?: string[];
  /** Codes of the next-purchase coupons the sale issued, each printed after the offers (the offer's line says what it is worth and when). */
  couponCodes?: string[];
  /** The address of the receipt's feedback question (printed as a link and a QR code). */
  feedbackUrl?: string;
}

/**
 * Intl formatters are costly to build and every till answer prints several;
 * they are kept per locale, currency and time zone (a few per merchant).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let f = formatters.get(key);
  if (!f) {
    f = build();
    formatters.set(key, f);
  }
  return f as T;
}

/** Digits of the currency's minor unit (2 for EUR, 0 for JPY), for the offer engine's receipt lines. */
export function currencyDigits(currency: string): number {
  return formatter(`money|en|${currency}`, () => new Intl.NumberFormat('en', { style: 'currency', currency })).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMinor(minor: number, currency: string, locale: string): string {
  const format = formatter(`money|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Division only for display: the amount itself stays an integer everywhere else.
  return format.format(minor / 10 ** digits);
}

function formatDate(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD, which reads the same everywhere.
  return formatter(`date|${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(at);
}

function formatPoints(points: number, locale: string): string {
  return formatter(`points|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })).format(points);
}

export function receiptText(f: ReceiptFacts): string[] {
  const pts = (n: number) => formatPoints(n, f.locale);
  // Offers first: they explain the total, for members and anonymous shoppers alike.
  const lines: string[] = [...(f.offerLines ?? []), ...(f.couponCodes ?? []).map((code) => `Coupon code for your next visit: ${code}`)];
  if (f.balance === null) {
    if (f.claimCode) lines.push(`Forgot your card? Collect the points with claim code ${f.claimCode}`);
    if (f.feedbackUrl) lines.push(`How did we do? ${f.feedbackUrl}`);
    return lines;
  }
  if (f.pointsRedeemed > 0) lines.push(`Points redeemed: ${pts(f.pointsRedeemed)} (${formatMinor(f.redeemValueMinor, f.currency, f.locale)})`);
  const pendingNote = f.pendingUntil && f.pointsEarned > 0 ? `, spendable from ${formatDate(f.pendingUntil, f.timeZone)}` : '';
  lines.push(`Points earned: ${pts(f.pointsEarned)}${pendingNote}`);
  lines.push(`Points balance: ${pts(f.balance)}`);
  if (f.tierReached) lines.push(`Welcome to ${f.tierReached}!`);
  if (f.nextTier) {
    const remaining = f.nextTier.unit === 'points' ? `${pts(f.nextTier.remaining)} points` : formatMinor(f.nextTier.remaining, f.currency, f.locale);
    lines.push(`${remaining} to ${f.nextTier.name}`);
  }
  if (f.expiringSoon && f.expiringSoon.points > 0) {
    lines.push(`${pts(f.expiringSoon.points)} points expire on ${formatDate(f.expiringSoon.expiresAt, f.timeZone)}`);
  }
  if (f.feedbackUrl) lines.push(`How did we do? ${f.feedbackUrl}`);
  return lines;
}

/**
 * Progress to the next tier once a sale counts, from progress read before it:
 * the sale's spend or points come off what remained, and reaching the tier
 * (upgrades happen at once) becomes `tierReached`.
 */
export function progressAfter(
  next: NonNullable<ReceiptFacts['nextTier']> | null,
  spendMinor: number,
  points: number,
): Pick<ReceiptFacts, 'nextTier' | 'tierReached'> {
  if (!next) return { nextTier: null, tierReached: null };
  const remaining = next.remaining - (next.unit === 'spend_minor' ? spendMinor : points);
  return remaining > 0 ? { nextTier: { ...next, remaining }, tierReached: null } : { nextTier: null, tierReached: next.name };
}
