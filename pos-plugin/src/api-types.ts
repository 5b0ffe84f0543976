/**
 * The till protocol as the server defines it. Types come straight from the
 * server's zod schemas (src/till/till.schemas.ts), so a change there breaks the
 * plugin's type check instead of drifting silently. The one runtime import is
 * the purchase schema the bridge uses to check dropped receipt files before
 * they reach the journal; that file depends on zod only.
 */
import type { z } from 'zod';
import type { EnrolOut, PosEnrolBody } from '../../src/members/members.schemas';

export type {
  BasketEvaluation,
  BasketLine,
  CommitPurchaseRequest,
  EvaluateBasketRequest,
  MemberLookupQuery,
  MemberSummary,
  OfflineAppliedOffer,
  OfflinePricing,
  PurchaseReceipt,
  PurchaseView,
  ReturnReceipt,
  ReturnRequest,
  TillOfferSet,
  VoidReceipt,
  VoidRequest,
} from '../../src/till/till.schemas';
/** `GET /v1/pos/products/{code}` and each item of `GET /v1/pos/products?q=`: a product as a basket line carries it. */
export type { TillProduct } from '../../src/catalogue/catalogue.schemas';
export { CommitPurchaseRequest as CommitPurchaseSchema, IdempotencyKey as IdempotencyKeySchema } from '../../src/till/till.schemas';

/** `POST /v1/auth/terminal-token` answer. */
export interface TerminalTokenResponse {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  terminal: { id: string; name: string; storeId: string };
}

/** `POST /v1/pos/members`: enrol a shopper at the till (the members module owns the schema). */
export type EnrolMemberRequest = z.input<typeof PosEnrolBody>;
export type EnrolledMember = z.infer<typeof EnrolOut>;

/** The server's error body: `{ error: { code, message, details?, requestId } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}
