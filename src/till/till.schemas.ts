import { z } from 'zod';
import { OFFER_TRIGGERS } from '../../offer-engine/types';

/**
 * The till (POS) protocol: request and response shapes of every /v1/pos
 * endpoint. The POS plugin package and the web cashier terminal import these,
 * so they are the contract between the till and the server. Bodies are strict
 * (an unknown field is a 400, so a typo never silently drops data); money is
 * integer minor units, quantities integer thousandths (1000 = one unit,
 * 0.452 kg = 452), points integers. Timestamps are ISO 8601 strings.
 */

/** Largest basket the till may send; bigger receipts are split by the POS. */
export const MAX_BASKET_LINES = 500;
/** 10 000 units (or kg) on one line. */
export const MAX_QUANTITY_MILLI = 10_000_000;
/** Bounds that keep quantity × price and basket sums far inside a safe integer. */
export const MAX_UNIT_PRICE_MINOR = 100_000_000;
export const MAX_LINE_AMOUNT_MINOR = 1_000_000_000;
export const MAX_POINTS = 1_000_000_000;

const id = z.uuid();
const minor = (max: number) => z.number().int().min(0).max(max);
const points = z.number().int().min(0).max(MAX_POINTS);
/** A timestamp the till sends: ISO 8601 with a Z or an explicit offset (a bare local time is ambiguous). */
export const TillTimestamp = z.iso.datetime({ offset: true });
/** What the server sends back: ISO 8601 UTC. */
const timestamp = z.string();

/** Receipt numbers as tills print them: letters, digits and . _ / - (no spaces or control characters). */
export const ReceiptNumber = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits and . _ / - only, starting with a letter or digit');

/** A scanned card: EAN-13 digits from a 1D scanner or the payload of the card's QR code. */
export const CardCode = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const BasketLine = z.strictObject({
  sku: z.string().min(1).max(64),
  category: z.string().min(1).max(64).nullable().optional(),
  description: z.string().max(200).optional(),
  /** Integer thousandths of a unit: 1000 = one piece, 452 = 0.452 kg. */
  quantity: z.number().int().min(1).max(MAX_QUANTITY_MILLI),
  unitPriceMinor: minor(MAX_UNIT_PRICE_MINOR),
  /**
   * What the line actually costs after the till's own line discounts. When
   * absent: quantity × unitPriceMinor / 1000, rounded half up to the minor unit.
   */
  amountMinor: minor(MAX_LINE_AMOUNT_MINOR).optional(),
});
export type BasketLine = z.infer<typeof BasketLine>;

/** A coupon code as scanned or typed (compared in upper case without spaces or dashes). */
const CouponCode = z
  .string()
  .trim()
  .min(3)
  .max(40)
  .regex(/^[0-9A-Za-z][0-9A-Za-z -]*$/, 'letters, digits, dashes and spaces');

const basketShape = {
  /** Who buys: the member id from a lookup, or the scanned card. Neither = anonymous. */
  memberId: id.optional(),
  cardCode: CardCode.optional(),
  /**
   * The store the basket is rung up in. A terminal is bound to its store and
   * may omit it; staff using the web terminal must send a store they work in.
   */
  storeId: id.optional(),
  lines: z.array(BasketLine).min(1).max(MAX_BASKET_LINES),
  /** Points the member wants to pay with (must follow the program's minimum, step and share). */
  redeemPoints: points.optional(),
  /** Offers the cashier chose (a `chosen` offer from the member's scan); an id that is not an active offer is a 422 OFFER_NOT_APPLICABLE. */
  offerIds: z.array(id).max(20).optional(),
  /**
   * Coupon codes scanned or typed (docs/offers.md, "Codes"). A code that does
   * not apply is no error: the answer's `codes` says why, per code.
   */
  codes: z.array(CouponCode).max(10).optional(),
};

const oneMember = (b: { memberId?: string; cardCode?: string }) => !(b.memberId && b.cardCode);
const oneMemberError = { message: 'send memberId or cardCode, not both', path: ['cardCode'] };

export const EvaluateBasketRequest = z
  .strictObject({
    ...basketShape,
    /** When the sale happens by the till clock; defaults to now. */
    occurredAt: TillTimestamp.optional(),
  })
  .refine(oneMember, oneMemberError);
export type EvaluateBasketRequest = z.infer<typeof EvaluateBasketRequest>;

/** An offer a till applied offline, as it printed it: per basket line (1-based, in the order sent). */
export const OfflineAppliedOffer = z.strictObject({
  offerId: id,
  name: z.string().max(200),
  discountMinor: minor(MAX_LINE_AMOUNT_MINOR * MAX_BASKET_LINES),
  points,
  receiptLine: z.string().max(300),
  lines: z
    .array(
      z.strictObject({
        lineNo: z.number().int().min(1).max(MAX_BASKET_LINES),
        discountMinor: minor(MAX_LINE_AMOUNT_MINOR),
        points,
        unitsUsed: z.number().int().min(0).max(MAX_QUANTITY_MILLI),
      }),
    )
    .max(MAX_BASKET_LINES),
});
export type OfflineAppliedOffer = z.infer<typeof OfflineAppliedOffer>;

/**
 * A sale a till priced offline with its kept offer set (docs/pos-integration.md,
 * "Offers offline"): the server records the offers it printed instead of
 * pricing them again, and flags for the owner any use past a limit or after
 * an offer ended.
 */
export const OfflinePricing = z.strictObject({
  /** The version of the offer set the till priced with; null: it had none. */
  offerSetVersion: z.string().max(64).nullable(),
  appliedOffers: z.array(OfflineAppliedOffer).max(50),
});
export type OfflinePricing = z.infer<typeof OfflinePricing>;

export const CommitPurchaseRequest = z
  .strictObject({
    ...basketShape,
    /** Present when the till priced the sale's offers offline (a journalled sale). */
    offline: OfflinePricing.optional(),
    receiptNumber: ReceiptNumber,
    /** Till clock at the sale; a journalled offline sale sends its original time. */
    occurredAt: TillTimestamp,
    /** The available balance the cashier saw at evaluate; a different balance now is a 409 BALANCE_CHANGED. */
    expectedBalance: points.optional(),
  })
  .refine(oneMember, oneMemberError)
  // An offline sale carries the offers the till applied; a code it resolved offline is among them.
  .refine((b) => !(b.offline && b.codes?.length), { message: 'an offline sale sends its applied offers, not codes', path: ['codes'] });
export type CommitPurchaseRequest = z.infer<typeof CommitPurchaseRequest>;

/** Every write on the till carries one; a retry with the same key gets the first answer back. */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
export const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey });

export const ReturnLine = z.strictObject({
  lineNo: z.number().int().min(1).max(MAX_BASKET_LINES),
  /** Thousandths, like the sale. */
  quantity: z.number().int().min(1).max(MAX_QUANTITY_MILLI),
});

/** A return by lines (the usual case) or by an amount (a price adjustment, a missing receipt line). */
export const ReturnRequest = z
  .strictObject({
    lines: z.array(ReturnLine).min(1).max(MAX_BASKET_LINES).optional(),
    amountMinor: z.number().int().min(1).max(MAX_LINE_AMOUNT_MINOR * MAX_BASKET_LINES).optional(),
    reason: z.string().max(200).optional(),
  })
  .refine((b) => (b.lines === undefined) !== (b.amountMinor === undefined), { message: 'send either lines or amountMinor', path: ['lines'] });
export type ReturnRequest = z.infer<typeof ReturnRequest>;

export const VoidRequest = z.strictObject({ reason: z.string().max(200).optional() });
export type VoidRequest = z.infer<typeof VoidRequest>;

export const MemberLookupQuery = z
  .strictObject({
    phone: z.string().min(3).max(32).optional(),
    number: z.string().min(1).max(32).optional(),
  })
  .refine((q) => (q.phone === undefined) !== (q.number === undefined), { message: 'send phone or number', path: ['phone'] });
export type MemberLookupQuery = z.infer<typeof MemberLookupQuery>;

export const ReceiptClaimRequest = z.strictObject({
  storeCode: z.string().min(1).max(32),
  receiptNumber: ReceiptNumber,
  /** The total printed on the receipt, as a check that the shopper holds it. */
  totalMinor: minor(MAX_LINE_AMOUNT_MINOR * MAX_BASKET_LINES),
  /** The claim code printed under an anonymous sale ("Claim code: 7KQ2-M9XD"), so guessing does not pay. */
  claimCode: z.string().regex(/^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$/, 'the 8-character claim code printed on the receipt, e.g. 7KQ2-M9XD'),
});
export type ReceiptClaimRequest = z.infer<typeof ReceiptClaimRequest>;

// ---- responses ----

const TierRef = z.object({ code: z.string(), name: z.string() });

/** An offer shown when a member is scanned. */
export const TillOffer = z.object({
  id: z.string(),
  name: z.string(),
  trigger: z.enum(OFFER_TRIGGERS),
  /** The mechanic: percent_off, multi_buy, buy_get, … (docs/offers.md). */
  kind: z.string(),
  /** Last local day of its schedule; null: no end date. */
  endsOn: z.string().nullable(),
});

export const MemberSummary = z.object({
  /** `name` is what the cashier greets with: the first name and the last name's initial ("Ana K."). */
  member: z.object({ id, memberNumber: z.string(), name: z.string(), status: z.enum(['active', 'suspended', 'closed']) }),
  /** The card that was scanned; null when the member was found by phone or number. */
  card: z.object({ id: z.string() }).nullable(),
  tier: TierRef.nullable(),
  nextTier: TierRef.extend({ remaining: z.number().int(), unit: z.enum(['spend_minor', 'points']) }).nullable(),
  points: z.object({
    available: z.number().int(),
    pending: z.number().int(),
    expiringSoon: z.object({ points: z.number().int(), expiresAt: timestamp }).nullable(),
  }),
  /**
   * Active offers this member can get at this till now (schedule, store,
   * tier, first purchase; the basket is not known yet). A `chosen` offer
   * applies only when the till sends its id in `offerIds`.
   */
  offers: z.array(TillOffer),
  /** How complete the profile is (0–100) and what the cashier could ask for. */
  completeness: z.object({ score: z.number().int().min(0).max(100), missing: z.array(z.string()) }),
  /**
   * A hint when the member is overdue on their own rhythm (churn risk ≥ 50 in
   * the newest analytics run, no visit since): the till says "at risk: usually
   * weekly, last visit 4 weeks ago". Null otherwise.
   */
  rhythm: z.object({ churnRisk: z.number().int(), usualGapDays: z.number().int().nullable(), daysSinceLast: z.number().int() }).nullable(),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

/** An offer a sale applied; its lines are the basket lines it took money off or gave points on. */
export const AppliedOfferView = z.object({
  offerId: z.string(),
  name: z.string(),
  discountMinor: z.number().int(),
  /** Bonus points (a member's sale only). */
  points: z.number().int(),
  /** One receipt line: "3 for 5.00 Yoghurt −1.00". */
  receiptLine: z.string(),
  lines: z.array(z.object({ lineNo: z.number().int(), discountMinor: z.number().int(), points: z.number().int() })),
});
export type AppliedOfferView = z.infer<typeof AppliedOfferView>;

/**
 * An offer the till chose (`offerIds`) that did not apply, or any offer a
 * limit kept from this sale (TOTAL_LIMIT_REACHED, MEMBER_LIMIT_REACHED,
 * BUDGET_EXHAUSTED, MEMBER_REQUIRED); the engine's reasons are in docs/offers.md.
 */
export const SkippedOfferView = z.object({ offerId: z.string(), reason: z.string(), message: z.string() });
export type SkippedOfferView = z.infer<typeof SkippedOfferView>;

/**
 * What became of each code the till sent, in the order sent: applied (its
 * offer is among appliedOffers), or refused with a reason: UNKNOWN_CODE,
 * CODE_USED, CODE_NOT_YET_VALID, CODE_EXPIRED, CODE_NOT_FOR_MEMBER,
 * OFFER_NOT_ACTIVE, CODE_REPEATED, a limit's reason, or the offer engine's
 * (STORE_NOT_INCLUDED, MINIMUM_SPEND_NOT_MET, …).
 */
export const CodeOutcomeView = z.object({
  code: z.string(),
  status: z.enum(['applied', 'refused']),
  offerId: z.string().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
});
export type CodeOutcomeView = z.infer<typeof CodeOutcomeView>;

export const BasketEvaluation = z.object({
  memberId: id.nullable(),
  programVersion: z.number().int().nullable(),
  totalMinor: z.number().int(),
  /** Offer discounts; points paid are in redeemValueMinor. */
  discountMinor: z.number().int(),
  pointsToRedeem: z.number().int(),
  redeemValueMinor: z.number().int(),
  /** totalMinor − discountMinor − redeemValueMinor: what the shopper pays in money. */
  payableMinor: z.number().int(),
  pointsToEarn: z.number().int(),
  appliedOffers: z.array(AppliedOfferView),
  skippedOffers: z.array(SkippedOfferView),
  codes: z.array(CodeOutcomeView),
  /**
   * Per line (1-based, in the order sent): the product's SKU and category as
   * the catalogue knows them (else as sent), its amount, its share of the
   * offer discounts and the points it earns.
   */
  lines: z.array(
    z.object({ lineNo: z.number().int(), sku: z.string(), category: z.string().nullable(), amountMinor: z.number().int(), discountMinor: z.number().int(), points: z.number().int() }),
  ),
  breakdown: z.array(z.object({ rule: z.string(), label: z.string(), points: z.number().int() })),
  /** Available points after this basket (earned points may be pending first); null when anonymous. */
  balanceAfter: z.number().int().nullable(),
  /** Lines to print on the receipt. */
  receiptText: z.array(z.string()),
});
export type BasketEvaluation = z.infer<typeof BasketEvaluation>;

const CashierRef = z.object({ id: z.string(), name: z.string() });

export const PurchaseLineView = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
  amountMinor: z.number().int(),
  points: z.number().int(),
  returnedQuantity: z.number().int(),
  returnedAmountMinor: z.number().int(),
});

export const PurchaseView = z.object({
  id,
  storeId: id,
  terminalId: z.string().nullable(),
  receiptNumber: z.string(),
  /** Who rang the sale up: the cashier signed in on the till with their PIN; null for a till signed in with its key only. */
  cashier: CashierRef.nullable(),
  memberId: id.nullable(),
  occurredAt: timestamp,
  recordedAt: timestamp,
  status: z.enum(['completed', 'voided']),
  totalMinor: z.number().int(),
  discountMinor: z.number().int(),
  pointsRedeemed: z.number().int(),
  redeemValueMinor: z.number().int(),
  payableMinor: z.number().int(),
  pointsEarned: z.number().int(),
  /** Refunded so far by returns. */
  refundedMinor: z.number().int(),
  programVersion: z.number().int().nullable(),
  claimedAt: timestamp.nullable(),
  lines: z.array(PurchaseLineView),
});
export type PurchaseView = z.infer<typeof PurchaseView>;

const BalanceView = z.object({ available: z.number().int(), pending: z.number().int() }).nullable();

export const PurchaseReceipt = z.object({
  purchase: PurchaseView,
  /** The member's balance right after the sale; null for an anonymous sale. */
  balance: BalanceView,
  /** When the earned points become spendable, if the program holds them. */
  pointsPendingUntil: timestamp.nullable(),
  /** An anonymous sale's claim code (also in receiptText), for a till that prints the receipt in its own words. */
  claimCode: z.string().nullable().optional(),
  /** The receipt's feedback question (a link and QR code; answered without signing in). Absent from receipts recorded before feedback. */
  feedbackUrl: z.string().optional(),
  /** The offers the sale applied and those it skipped, as evaluate shows them (absent from receipts recorded before offers). */
  appliedOffers: z.array(AppliedOfferView).optional(),
  skippedOffers: z.array(SkippedOfferView).optional(),
  /** The codes the sale sent (absent from receipts recorded before codes); a single-use code applied here is now used. */
  codes: z.array(CodeOutcomeView).optional(),
  /**
   * Next-purchase coupons the sale issued (an issue_coupon offer's threshold
   * met): a single-use code each, worth `amountOffMinor` off a basket of at
   * least `minSpendMinor`, from `validFrom` to `validUntil` (local days,
   * inclusive); the member's, in the portal's wallet. Print the code.
   */
  coupons: z
    .array(z.object({ code: z.string(), offerId: z.string(), amountOffMinor: z.number().int(), minSpendMinor: z.number().int(), validFrom: z.string(), validUntil: z.string() }))
    .optional(),
  receiptText: z.array(z.string()),
});
export type PurchaseReceipt = z.infer<typeof PurchaseReceipt>;

export const ReturnReceipt = z.object({
  returnId: id,
  purchaseId: id,
  /**
   * What the return refunds: the returned lines at their price after offer
   * discounts, plus `offerAdjustmentMinor`.
   */
  refundMinor: z.number().int(),
  /**
   * Negative when the goods kept no longer earn the discount they had (a
   * broken multi-buy or buy X get Y: docs/offers.md, "Returns"), so less is
   * refunded; positive when a later return gives such an amount back. 0 without offers.
   */
  offerAdjustmentMinor: z.number().int().optional(),
  /** What to pay back in money: refundMinor less the value of the points given back. */
  cashRefundMinor: z.number().int(),
  /** Earned points taken back (may be less than owed under a 'cap' clawback policy). */
  pointsReversed: z.number().int(),
  /** Points the shopper had paid with, given back. */
  pointsRestored: z.number().int(),
  /** Per returned line, its price after offer discounts. */
  lines: z.array(z.object({ lineNo: z.number().int(), quantity: z.number().int(), amountMinor: z.number().int() })),
  /** The cashier who took the return; null when the till had none signed in (or staff returned it in the back office). */
  cashier: CashierRef.nullable(),
  balance: BalanceView,
  receiptText: z.array(z.string()),
});
export type ReturnReceipt = z.infer<typeof ReturnReceipt>;

export const VoidReceipt = z.object({
  purchaseId: id,
  status: z.literal('voided'),
  pointsReversed: z.number().int(),
  pointsRestored: z.number().int(),
  /** The cashier who voided the sale, if one was signed in on the till. */
  cashier: CashierRef.nullable(),
  balance: BalanceView,
  receiptText: z.array(z.string()),
});
export type VoidReceipt = z.infer<typeof VoidReceipt>;

export const PurchaseIdParams = z.strictObject({ purchaseId: id });

export const RewardParams = z.strictObject({ offerId: id });
export const TillRewardParams = z.strictObject({ memberId: id, offerId: id });

/** Finding a sale at the till for a return: by receipt number, member or time; newest first, in the till's store. */
export const TillPurchaseQuery = z.strictObject({
  receiptNumber: ReceiptNumber.optional(),
  memberId: id.optional(),
  /** occurredAt ≥ from (inclusive), < to (exclusive): the till sends the local day it means. */
  from: TillTimestamp.optional(),
  to: TillTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type TillPurchaseQuery = z.infer<typeof TillPurchaseQuery>;

export const TillPurchasePage = z.object({ items: z.array(PurchaseView), total: z.number().int() });

/** The merchant's categories for the till's category field (until the product catalogue exists). */
export const TillCategories = z.object({ categories: z.array(z.string()) });

/** `GET /v1/pos/offers?since=<version>`: the till's offer set, unless it has this version already. */
export const TillOfferSetQuery = z.strictObject({ since: z.string().max(64).optional() });

/**
 * What a till keeps to price offers offline: the merchant's active offers and
 * the sale's side of the context the server prices with (the store's time
 * zone, the currency's digits, the program's base rate and excluded
 * categories). `version` changes whenever any of it does.
 */
export const TillOfferSet = z.object({
  version: z.string(),
  /** false: the till's `since` is the current version, and `offerSet` is null. */
  changed: z.boolean(),
  offerSet: z
    .object({
      storeId: id,
      timeZone: z.string(),
      currencyDigits: z.number().int(),
      baseRate: z.object({ points: z.number().int(), perMinor: z.number().int() }),
      excludedCategories: z.array(z.string()),
      offers: z.array(
        z.object({
          /** The offer as the offer engine takes it (docs/offers.md, "Offer definitions"). */
          definition: z.record(z.string(), z.unknown()),
          /**
           * apply: the till applies it offline. refuse: it has limits only the
           * server can keep (total uses, uses per member, a budget) or is a
           * single-use code; offline the till leaves it out, and refuses it when chosen.
           */
          offline: z.enum(['apply', 'refuse']),
          /** Why it is refused offline: LIMITED or SINGLE_USE_CODE; null when it applies. */
          refusal: z.string().nullable(),
          /** A `code` offer's public code, which the till resolves offline; null: none. */
          code: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type TillOfferSet = z.infer<typeof TillOfferSet>;

/** Who may sign in on this till with a PIN. */
export const TillCashiers = z.object({ cashiers: z.array(z.object({ id: z.string(), name: z.string() })) });
export const CardCodeParams = z.strictObject({ code: CardCode });
