import { z } from 'zod';

/**
 * Every length a stored string may have, in one place: the zod schemas that
 * validate input and the entity columns read it, and a test checks that the
 * migrated database agrees with the entities. Before, validation and columns
 * were written apart and disagreed (a 21-character language tag in a
 * 16-character column; a 200-character merchant name in a 200-character
 * message subject): MySQL-only 500s (issue 15, finding 7).
 *
 * Lengths count UTF-16 code units in zod and characters in utf8mb4 columns;
 * a code unit is never more than a character, so a value that passes fits.
 */
export const TEXT_LIMITS = {
  /** Member first and last names. */
  personName: 100,
  /** Merchant, store and staff names. */
  businessName: 200,
  terminalName: 120,
  /** BCP 47 language tags (RFC 5646 asks implementations to accept 35). */
  languageTag: 35,
  email: 254,
  /** A notification's subject: a business name and a few words. */
  notificationSubject: 255,
  /** A shopper's feedback comment, a case note or a resolution message (text columns). */
  feedbackComment: 2000,
  /** A product's SKU, a barcode, a product group's code (as a till's line SKU). */
  productCode: 64,
  productName: 200,
  /** Product category and product group names. */
  categoryName: 100,
} as const;

/**
 * Control characters (NUL included) and the bidirectional embedding, override
 * and isolate marks, which let a name display as something else
 * ("Anna\u202Egnp.exe"); line and paragraph separators too.
 */
const UNSAFE_IN_NAMES = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** A name-like field: trimmed, 1 to `max` long, no control or bidi-override characters (issue 15, finding 11). */
export function nameText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !UNSAFE_IN_NAMES.test(v), 'must not contain control characters or right-to-left override marks');
}
