/**
 * Shapes of the till protocol, imported as types from the server's zod
 * schemas (src/till/till.schemas.ts), so the terminal cannot drift from the API.
 * Type-only: nothing of zod ends up in the bundle.
 */
export type {
  BasketEvaluation,
  BasketLine,
  CodeOutcomeView as CodeOutcome,
  CommitPurchaseRequest,
  EvaluateBasketRequest,
  MemberSummary,
  PurchaseReceipt,
  ReturnReceipt,
  VoidReceipt,
} from '../../../src/till/till.schemas';
export type { TillProduct } from '../../../src/catalogue/catalogue.schemas';
