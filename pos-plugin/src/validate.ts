import { CommitPurchaseSchema } from './api-types';
import type { CommitPurchaseRequest } from './api-types';
import { TallyApiError } from './errors';

/**
 * Checks a purchase with the server's own schema before it is sent or
 * journalled, so the offline journal only ever holds sales the server will
 * accept in form. The error mirrors the server's 400 VALIDATION_FAILED.
 */
export function validatePurchase(body: unknown): CommitPurchaseRequest {
  const result = CommitPurchaseSchema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new TallyApiError(400, 'VALIDATION_FAILED', `Invalid purchase: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
}
