import { createHmac, timingSafeEqual } from 'node:crypto';

/** A receiver refuses deliveries whose timestamp is further than this from its clock (replays). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>`: the timestamp is signed, so an old delivery cannot be replayed as new. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (docs/webhooks.md shows the same in a few lines of plain Node). */
export function verifySignature(secret: string, header: string | undefined, timestamp: string | undefined, body: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (!header || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signatureOf(secret, Number(timestamp), body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Wait before try `attempt + 1` after `attempt` failed tries: base, 2·base, 4·base … at most an hour. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(attempt - 1, 0), 3_600_000);
}

/**
 * Where a subscription may point: https anywhere; in development and tests
 * also http to this machine's loopback address (a local receiver). Returns
 * the problem, or null when the URL is acceptable.
 */
export function urlProblem(raw: string, httpsOnly: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed; authenticate with the signature';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && !httpsOnly && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return httpsOnly ? 'must be an https:// URL' : 'must be an https:// URL (or http:// to 127.0.0.1 outside production)';
}
