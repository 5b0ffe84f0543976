import { createHmac, timingSafeEqual } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read off paper is not mistyped. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The code printed under an anonymous sale, which a receipt claim must give
 * back (issue 15, finding 4: a total alone was guessed in 451 tries). Derived
 * from the purchase id with the server secret, so nothing is stored; 40 bits,
 * printed as XXXX-XXXX. A new secret makes earlier codes invalid; those
 * receipts are settled at the service desk by a points adjustment.
 */
export function claimCodeOf(secret: string, purchaseId: string): string {
  const digest = createHmac('sha256', secret).update(`receipt-claim:${purchaseId}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < 8; i++) code = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + code;
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Compares a code as typed (any case, with or without the dash, O for 0, I or L for 1). */
export function claimCodeMatches(secret: string, purchaseId: string, typed: string): boolean {
  const normal = (code: string) => Buffer.from(code.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1'));
  const expected = normal(claimCodeOf(secret, purchaseId));
  const given = normal(typed);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
