/**
 * What the portal keeps on the phone so the card still shows with no signal
 * at the till: the card number (the QR payload), the member's name and the
 * last balance seen, per shop. Nothing secret: the card number is printed on
 * the card itself.
 */
export interface CachedCard {
  merchantName: string;
  currency: string;
  memberName: string;
  memberNumber: string;
  cardNumber: string;
  available: number | null;
  pending: number | null;
  savedAt: string;
}

const LAST = 'tally.portal.last';
const cardKey = (merchantId: string) => `tally.portal.card.${merchantId}`;

export function lastPortalMerchant(): string | null {
  return localStorage.getItem(LAST);
}

export function rememberPortalMerchant(merchantId: string): void {
  localStorage.setItem(LAST, merchantId);
}

export function readCachedCard(merchantId: string): CachedCard | null {
  try {
    const raw = localStorage.getItem(cardKey(merchantId));
    return raw ? (JSON.parse(raw) as CachedCard) : null;
  } catch {
    return null;
  }
}

export function writeCachedCard(merchantId: string, card: CachedCard): void {
  localStorage.setItem(cardKey(merchantId), JSON.stringify(card));
}

export function forgetCachedCard(merchantId: string): void {
  localStorage.removeItem(cardKey(merchantId));
}
