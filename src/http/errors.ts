/**
 * Every error Tally reports has a stable code. This map is the one place that
 * turns a code into an HTTP status; modules add their domain codes here.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  SETUP_ALREADY_DONE: 409,
  LAST_OWNER: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  ACCOUNT_LOCKED: 429,
  MERCHANT_CHOICE_REQUIRED: 409,
  MERCHANT_SUSPENDED: 403,
  // tills: pairing, keys and cashiers
  TERMINAL_KEY_INVALID: 401,
  TERMINAL_REVOKED: 401,
  PAIRING_CODE_INVALID: 401,
  INVALID_PIN: 401,
  // members, cards and member sign-in
  MEMBER_NOT_FOUND: 404,
  NO_SCORES: 404,
  MEMBER_EXISTS: 409,
  MEMBER_NOT_ACTIVE: 423,
  CARD_INVALID: 400,
  CARD_NOT_FOUND: 404,
  CARD_NOT_ASSIGNED: 409,
  CARD_IN_USE: 409,
  CARD_BLOCKED: 423,
  CARD_LOST: 423,
  CARD_REPLACED: 423,
  INVALID_CODE: 401,
  TOO_MANY_ATTEMPTS: 429,
  // purchases and the till
  BALANCE_CHANGED: 409,
  PURCHASE_VOIDED: 409,
  ALREADY_CLAIMED: 409,
  OCCURRED_AT_OUT_OF_WINDOW: 422,
  RETURN_EXCEEDS_PURCHASE: 422,
  CLAIM_WINDOW_PASSED: 422,
  OFFER_NOT_APPLICABLE: 422,
  // offers
  OFFER_STATUS_CONFLICT: 409,
  // feedback
  ALREADY_ANSWERED: 409,
  CASE_RESOLVED: 409,
  // campaigns
  CAMPAIGN_STATUS_CONFLICT: 409,
  // points and rules
  INSUFFICIENT_POINTS: 409,
  REDEMPTION_NOT_ALLOWED: 422,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

/** One field-level problem, as returned in `error.details`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[] | Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** Returns the value, or throws NOT_FOUND naming what was missing. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new AppError('NOT_FOUND', `${what} not found`);
  return value;
}

export function forbidden(message = 'You are not allowed to do this'): AppError {
  return new AppError('FORBIDDEN', message);
}
