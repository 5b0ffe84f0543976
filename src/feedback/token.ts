import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 12;

function macOf(secret: string, purchaseId: string): Buffer {
  return createHmac('sha256', secret).update(`feedback:${purchaseId}`).digest().subarray(0, MAC_BYTES);
}

/**
 * The token printed on a receipt (link and QR) that lets whoever holds the
 * paper answer for that purchase, with or without a card and without
 * signing in: the purchase id and 96 bits of an HMAC with the server
 * secret, base64url, 38 characters. Nothing is stored; a new secret makes
 * earlier links invalid, as it does claim codes.
 */
export function feedbackTokenOf(secret: string, purchaseId: string): string {
  const id = Buffer.from(purchaseId.replace(/-/g, ''), 'hex');
  return Buffer.concat([id, macOf(secret, purchaseId)]).toString('base64url');
}

/** The purchase a token is for, or null when it is not one this server made. */
export function purchaseOfToken(secret: string, token: string): string | null {
  if (!/^[A-Za-z0-9_-]{38}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + MAC_BYTES) return null;
  const hex = raw.subarray(0, 16).toString('hex');
  const purchaseId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  // One spelling per token: base64url's spare bits would give each token a few twins.
  if (raw.toString('base64url') !== token) return null;
  return timingSafeEqual(raw.subarray(16), macOf(secret, purchaseId)) ? purchaseId : null;
}

/** The address printed on the receipt: the web app's feedback page for the token. */
export function feedbackUrlOf(publicUrl: string, secret: string, purchaseId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/f/${feedbackTokenOf(secret, purchaseId)}`;
}
