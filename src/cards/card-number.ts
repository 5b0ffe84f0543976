import { randomInt } from 'node:crypto';

/**
 * Card numbers are EAN-13 codes in the GS1 "restricted circulation" range
 * (first digit 2), which GS1 reserves for use inside one company, so they never
 * clash with product barcodes. Every 1D scanner reads EAN-13, and its check
 * digit catches every single-digit typo and most adjacent transpositions
 * (all except pairs whose digits differ by 5). The digits after the prefix are
 * random (crypto), so a number cannot be guessed from another.
 *
 * The QR payload is the same 13 digits and nothing else, so any scanner app or
 * keyboard-wedge QR reader types exactly what a 1D scanner would.
 */
export const DEFAULT_CARD_PREFIX = '27';

/** A card prefix: "2" followed by up to three digits. */
export const CARD_PREFIX_PATTERN = /^2\d{0,3}$/;

/** The EAN-13 check digit of the first 12 digits (weights 1,3,1,3… from the left). */
export function ean13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new Error('ean13CheckDigit needs exactly 12 digits');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** A new random card number with the given in-store prefix. `pick(n)` returns an integer in [0, n). */
export function generateCardNumber(prefix: string = DEFAULT_CARD_PREFIX, pick: (n: number) => number = randomInt): string {
  if (!CARD_PREFIX_PATTERN.test(prefix)) throw new Error(`card prefix must match ${CARD_PREFIX_PATTERN}`);
  let body = prefix;
  while (body.length < 12) body += String(pick(10));
  return body + String(ean13CheckDigit(body));
}

export type ParsedCode = { ok: true; number: string } | { ok: false; reason: 'format' | 'check-digit' };

/**
 * Reads what a scanner or a cashier typed: 13 digits, possibly with spaces or
 * dashes as printed under the barcode, possibly with the AIM symbology
 * identifier (`]E0`) some scanners prepend. The QR payload is the same digits.
 */
export function parseScannedCode(raw: string): ParsedCode {
  const cleaned = raw.trim().replace(/^\]E0/, '').replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(cleaned)) return { ok: false, reason: 'format' };
  if (!isValidEan13(cleaned)) return { ok: false, reason: 'check-digit' };
  return { ok: true, number: cleaned };
}
