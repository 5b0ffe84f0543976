import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../auth';
import { Email, MerchantInput, MerchantOut, PageQuery, pageSchema } from '../merchants';

export const OperatorSignInBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const OperatorSessionOut = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  operator: z.object({ id: z.string(), email: z.string(), name: z.string() }),
});

export const OperatorMerchantOut = MerchantOut.extend({
  /** When the operator suspended the merchant; null while it runs. */
  suspendedAt: z.string().nullable(),
});

export const OperatorMerchantList = pageSchema(OperatorMerchantOut);
export const OperatorMerchantQuery = PageQuery;
export const OperatorMerchantInput = MerchantInput;
export const OperatorMerchantParams = z.strictObject({ merchantId: z.string().min(1).max(36) });

export const OwnerSetupOut = z.object({
  /** Open this link to create the merchant's owner; it works once, until expiresAt. */
  url: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});

export const CreatedMerchantOut = z.object({ merchant: OperatorMerchantOut, ownerSetup: OwnerSetupOut });
