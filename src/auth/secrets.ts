import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque high-entropy secrets: refresh tokens, setup tokens and terminal API
 * keys. They carry 256 random bits, so a fast SHA-256 is the right storage
 * hash — no guessing attack can be sped up by a slow hash here, unlike with
 * human passwords (those use scrypt, see passwords.ts).
 */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored SHA-256 hex hash in constant time. */
export function matchesHash(secret: string, storedHex: string): boolean {
  const actual = Buffer.from(sha256Hex(secret), 'hex');
  const expected = Buffer.from(storedHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

const TERMINAL_KEY = /^tly_([0-9a-f]{8,12})_([A-Za-z0-9_-]{43})$/;

export interface TerminalKey {
  /** The whole key, shown to the owner once. */
  apiKey: string;
  /** Public part stored in clear to find the row. */
  prefix: string;
  /** SHA-256 hex of the secret part. */
  hash: string;
}

/** A new terminal API key `tly_<prefix>_<secret>`. */
export function newTerminalKey(): TerminalKey {
  const prefix = randomBytes(5).toString('hex');
  const secret = newOpaqueToken();
  return { apiKey: `tly_${prefix}_${secret}`, prefix, hash: sha256Hex(secret) };
}

/** Splits a presented key; null when it does not have the shape of one. */
export function parseTerminalKey(apiKey: string): { prefix: string; secret: string } | null {
  const m = TERMINAL_KEY.exec(apiKey);
  return m ? { prefix: m[1], secret: m[2] } : null;
}

/** Letters and digits that cannot be mistaken for each other when read off a screen (no 0/O, 1/I/L). */
const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const PAIRING_LENGTH = 8;

/**
 * A one-time code that pairs a till, typed from the back-office screen
 * (`7KQ2-M9XD`): 31^8 ≈ 2^40 codes, alive for minutes and tried under the
 * sign-in guard, so guessing one is hopeless; stored as its SHA-256.
 */
export function newPairingCode(): { code: string; hash: string } {
  const bytes = randomBytes(PAIRING_LENGTH * 2);
  let plain = '';
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 31).
  for (let i = 0; plain.length < PAIRING_LENGTH; i++) {
    const b = i < bytes.length ? bytes[i] : randomBytes(1)[0];
    if (b < 248) plain += PAIRING_ALPHABET[b % PAIRING_ALPHABET.length];
  }
  return { code: `${plain.slice(0, 4)}-${plain.slice(4)}`, hash: sha256Hex(plain) };
}

/** The code as typed (any case, with or without the dash or spaces), or null when it cannot be one. */
export function normalisePairingCode(input: string): string | null {
  const plain = input.toUpperCase().replace(/[\s-]/g, '');
  return new RegExp(`^[${PAIRING_ALPHABET}]{${PAIRING_LENGTH}}$`).test(plain) ? plain : null;
}
