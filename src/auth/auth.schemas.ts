import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';
import { MerchantInput, MerchantOut, StaffOut, Email, Password } from '../merchants';
import { MAX_PASSWORD_LENGTH } from './passwords';

/** Opaque tokens are base64url; the bound keeps junk from reaching the database. */
const OpaqueToken = z.string().min(1).max(200);

export const SignInBody = z.strictObject({
  email: Email,
  // No minimum here: the length rule applies when a password is set, not when it is tried.
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  /** Which merchant, after an answer MERCHANT_CHOICE_REQUIRED listed the ones this email and password open. */
  merchantId: z.string().min(1).max(36).optional(),
});

export const RefreshBody = z.strictObject({ refreshToken: OpaqueToken });

export const TerminalTokenBody = z.strictObject({
  apiKey: z.string().min(1).max(200),
  /** A cashier's shift token from /v1/auth/cashier-sign-in: the access token then carries that cashier. */
  cashierToken: z.string().min(1).max(1000).optional(),
});

/** The one-time code from the back office, as shown (7KQ2-M9XD) or typed without the dash, any case. */
export const TerminalPairingBody = z.strictObject({ code: z.string().min(1).max(32) });

/** A cashier picks their name on the till and types their PIN. */
export const CashierSignInBody = z.strictObject({ staffId: z.string().min(1).max(36), pin: z.string().min(1).max(16) });

const CashierOut = z.object({ id: z.string(), name: z.string() });

export const SetupBody = z.strictObject({
  token: OpaqueToken,
  /** The first merchant's details: required with a first-run token, ignored with an owner setup token from the platform operator. */
  merchant: MerchantInput.optional(),
  owner: z.strictObject({ email: Email, name: nameText(TEXT_LIMITS.businessName), password: Password }),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: Password,
});

export const SessionUser = StaffOut.extend({ merchantId: z.string() });

export const SessionOut = z.object({
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  user: SessionUser,
});

const TerminalRef = z.object({ id: z.string(), name: z.string(), storeId: z.string() });

export const TerminalSessionOut = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  terminal: TerminalRef,
  /** The cashier the access token carries (a live cashierToken was sent); null otherwise. */
  cashier: CashierOut.nullable(),
});

export const TerminalPairingOut = TerminalSessionOut.extend({
  /** The till's new key, to keep on the till: it trades it for access tokens. Shown only in this answer. */
  apiKey: z.string(),
});

export const CashierSessionOut = z.object({
  /** A terminal access token that carries the cashier. */
  accessToken: z.string(),
  expiresIn: z.number().int(),
  /** Send with the key to /v1/auth/terminal-token for the rest of the shift. */
  cashierToken: z.string(),
  cashierTokenExpiresIn: z.number().int(),
  cashier: CashierOut,
});

export const SetupStatusQuery = z.strictObject({ token: OpaqueToken.optional() });

export const SetupStatusOut = z.object({
  setupRequired: z.boolean(),
  /** With ?token= of a live owner setup token: the merchant whose owner it creates. */
  invite: z.object({ merchantName: z.string() }).nullable(),
});

export const MeOut = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff'), merchant: MerchantOut, user: SessionUser }),
  z.object({
    kind: z.literal('terminal'),
    merchant: MerchantOut,
    terminal: TerminalRef,
    /** The till's store, as receipts name it. */
    store: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    /** The cashier signed in on the till with their PIN, if any. */
    cashier: CashierOut.nullable(),
  }),
  z.object({ kind: z.literal('member'), merchant: MerchantOut, memberId: z.string() }),
]);
