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

export const TerminalTokenBody = z.strictObject({ apiKey: z.string().min(1).max(200) });

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

export const TerminalSessionOut = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  terminal: z.object({ id: z.string(), name: z.string(), storeId: z.string() }),
});

export const SetupStatusQuery = z.strictObject({ token: OpaqueToken.optional() });

export const SetupStatusOut = z.object({
  setupRequired: z.boolean(),
  /** With ?token= of a live owner setup token: the merchant whose owner it creates. */
  invite: z.object({ merchantName: z.string() }).nullable(),
});

export const MeOut = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff'), merchant: MerchantOut, user: SessionUser }),
  z.object({ kind: z.literal('terminal'), merchant: MerchantOut, terminal: z.object({ id: z.string(), name: z.string(), storeId: z.string() }) }),
  z.object({ kind: z.literal('member'), merchant: MerchantOut, memberId: z.string() }),
]);
