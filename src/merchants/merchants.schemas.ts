import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 code known to the runtime's ICU data, e.g. THB. */
export const CurrencyCode = z.string().refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'must be an upper-case ISO 4217 currency code such as USD')
  .describe('ISO 4217 currency code, e.g. USD');

/** True when Intl knows the IANA zone (accepts UTC and aliases, which supportedValuesOf omits). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().max(64).refine(isTimeZone, 'is not an IANA time zone such as Asia/Bangkok').describe('IANA time zone, e.g. Asia/Bangkok');

/** BCP 47 tag, stored in canonical form (e.g. "th-TH"). */
export const Locale = z
  .string()
  .max(TEXT_LIMITS.languageTag)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && canonical.length <= TEXT_LIMITS.languageTag) return canonical;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'is not a BCP 47 locale such as en or th-TH' });
    return z.NEVER;
  })
  .describe('BCP 47 locale, e.g. en or th-TH');

export const Email = z
  .email()
  .max(TEXT_LIMITS.email)
  .transform((e) => e.toLowerCase());

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);

const Name = nameText(TEXT_LIMITS.businessName);
const Id = z.string().min(1).max(36);

/** A till PIN: digits only, typed on a keypad. */
export const Pin = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits').max(8);

export const StaffRoleSchema = z.enum(['owner', 'manager', 'cashier']);

/** ?q=&limit=&offset= on list routes. */
export const PageQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}

// --- merchant ---

export const MerchantInput = z.strictObject({
  name: Name,
  currency: CurrencyCode,
  timeZone: TimeZone,
  locale: Locale,
});
/** A colour as #rrggbb (stored lower-case). */
export const BrandColor = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1f6f4a')
  .transform((c) => c.toLowerCase())
  .describe("The shop's colour on its portal, #rrggbb");

export const MerchantPatch = MerchantInput.partial().extend({ brandColor: BrandColor.nullable().optional() });
export type MerchantPatch = z.infer<typeof MerchantPatch>;

export const MerchantOut = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  timeZone: z.string(),
  locale: z.string(),
  brandColor: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// --- stores ---

export const StoreParams = z.strictObject({ storeId: Id });

export const StoreInput = z.strictObject({
  /** Printed on receipts and typed by shoppers claiming a receipt; fixed once created. */
  code: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, - and _ (up to 32)')
    .transform((c) => c.toUpperCase()),
  name: Name,
  address: z.string().trim().max(500).nullable().optional(),
  timeZone: TimeZone.nullable().optional(),
});
export const StorePatch = z.strictObject({
  name: Name.optional(),
  address: z.string().trim().max(500).nullable().optional(),
  timeZone: TimeZone.nullable().optional(),
  active: z.boolean().optional(),
});

export const StoreOut = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  timeZone: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// --- staff ---

export const StaffParams = z.strictObject({ userId: Id });

export const StaffInput = z.strictObject({
  email: Email,
  name: Name,
  password: Password,
  role: StaffRoleSchema,
  /** Omit or null for all stores. */
  storeIds: z.array(Id).min(1).max(500).nullable().optional(),
  /** Language of the back office for this user; null follows the merchant's. */
  locale: Locale.nullable().optional(),
  /** The PIN this person signs in with on a paired till (4–8 digits). */
  pin: Pin.optional(),
});
export const StaffPatch = z.strictObject({
  name: Name.optional(),
  role: StaffRoleSchema.optional(),
  storeIds: z.array(Id).min(1).max(500).nullable().optional(),
  active: z.boolean().optional(),
  locale: Locale.nullable().optional(),
  /** Sets a new password (a reset by an owner or manager); signs the user out everywhere. */
  password: Password.optional(),
  /** Sets the till PIN (4–8 digits); null removes it, and the person can no longer sign in on a till. */
  pin: Pin.nullable().optional(),
});

export const StaffOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: StaffRoleSchema,
  storeIds: z.array(z.string()).nullable(),
  locale: z.string().nullable(),
  active: z.boolean(),
  /** Whether the person has a till PIN (the PIN itself is never shown). */
  hasPin: z.boolean(),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// --- terminals ---

export const TerminalParams = z.strictObject({ terminalId: Id });
export const TerminalQuery = PageQuery.extend({ storeId: Id.optional() });

export const TerminalInput = z.strictObject({
  storeId: Id,
  name: nameText(TEXT_LIMITS.terminalName),
});

export const TerminalOut = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  keyPrefix: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  /** Until when the pairing code shown last still works; null when none is open. */
  pairingExpiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export const PairingCodeOut = z.object({
  terminal: TerminalOut,
  /** Typed on the till (any case, dash optional); one use, until expiresAt. */
  code: z.string(),
  expiresAt: z.string(),
  /** The till page that pairs with this code, for the QR the till's camera reads (prefix it with the server's address). */
  path: z.string(),
});

export const NewTerminalOut = z.object({
  terminal: TerminalOut,
  /** The full key, shown only in this answer; store it in the till's configuration. */
  apiKey: z.string(),
});
