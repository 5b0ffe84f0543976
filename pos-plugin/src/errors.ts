/**
 * Errors the plugin raises. A POS shows `message` to the cashier and branches
 * on the class (or on `code` for answers from the server).
 */

/** The server answered with an error (4xx, or a 5xx on an operation that has no offline fallback). */
export class TallyApiError extends Error {
  constructor(
    readonly status: number,
    /** Stable code from the server, e.g. CARD_BLOCKED, INSUFFICIENT_POINTS, VALIDATION_FAILED. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'TallyApiError';
  }
}

/**
 * The server could not be reached in time (connection refused, timeout, 5xx).
 * For a purchase this only surfaces when there is no journal; writes carry
 * their idempotency key so the POS can retry later without double counting.
 */
export class TallyUnavailableError extends Error {
  constructor(
    message: string,
    readonly idempotencyKey?: string,
    /** The connection dropped before any answer (e.g. a kept-alive socket the server had just closed). */
    readonly connectionLost = false,
  ) {
    super(message);
    this.name = 'TallyUnavailableError';
  }
}

/**
 * A purchase that pays with points cannot be taken offline: the balance cannot
 * be checked. The cashier takes it without points (or retries when the server
 * is back, with the same idempotency key in case the first attempt did land).
 */
export class OfflineRedemptionError extends Error {
  constructor(readonly idempotencyKey: string) {
    super('Tally is offline: points cannot be redeemed now. Take the payment without points or try again in a moment.');
    this.name = 'OfflineRedemptionError';
  }
}

/** A scanned card number failed the local check (format or EAN-13 check digit); the server was not asked. */
export class InvalidCardCodeError extends Error {
  readonly code = 'CARD_INVALID';
  constructor(readonly cardCode: string, reason: string) {
    super(`Card ${cardCode} is not valid: ${reason}. Scan it again or type the number.`);
    this.name = 'InvalidCardCodeError';
  }
}

/**
 * Offline the till cannot use an offer only the server can keep: one with
 * limits or a budget (uses must be counted across tills), a single-use code
 * (it must not be used twice), or one its offer set does not have. The
 * cashier takes the sale without it, or waits for the server.
 */
export class OfflineOfferRefusedError extends Error {
  readonly code = 'OFFLINE_OFFER_REFUSED';
  /** `code`: a scanned coupon code the kept set does not know as a public code (`offerId` is then ''). */
  constructor(readonly offers: { offerId: string; reason: string; name?: string; code?: string }[]) {
    super(`Tally is offline: ${offers.map(describe).join('; ')}. Take the sale without it or try again when Tally is back.`);
    this.name = 'OfflineOfferRefusedError';
  }
}

function describe(o: { offerId: string; reason: string; name?: string; code?: string }): string {
  const what = o.name ? `"${o.name}"` : o.code ? `coupon ${o.code}` : `offer ${o.offerId}`;
  if (o.reason === 'SINGLE_USE_CODE') return o.code ? `${what} is not a public code the till knows; a single-use code needs the server` : `${what} is a single-use code and cannot be checked`;
  if (o.reason === 'UNKNOWN') return `${what} is not in the till's offer set`;
  return `${what} has limits only the server can keep`;
}
