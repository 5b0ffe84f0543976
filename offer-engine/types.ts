import type { Schedule } from './recurrence';

/**
 * The offer engine's data: what an offer is, what the caller tells it about
 * the sale, and what it answers. Plain JSON-able shapes, so a till can keep
 * the active offer set and its journal as they are (docs/offers.md).
 */

/** A basket line as the engine sees it. Money in minor units, quantity in thousandths. */
export interface OfferLine {
  sku: string;
  /** The line's category and its ancestors (Drinks › Beer: ['beer', 'drinks']), compared through categoryKey. */
  categories?: readonly string[];
  /** Product groups the line's product belongs to (mix & match). */
  groups?: readonly string[];
  quantityMilli: number;
  unitPriceMinor: number;
  /** What the line costs before offers (after the till's own line discounts). */
  amountMinor: number;
  /** Sold by weight; default: the quantity is not a whole number of units. Weighed lines have no units to count. */
  weighed?: boolean;
  /** False for goods that never earn (tobacco, lottery, deposits): bonus points skip them. Default true. */
  earnsPoints?: boolean;
}

/**
 * Which lines an offer looks at: a line matches when its SKU, one of its
 * categories or one of its groups is listed. No list given: every line.
 */
export interface LineSelector {
  skus?: readonly string[];
  categories?: readonly string[];
  groups?: readonly string[];
}

/** What a spend threshold gives. */
export type SpendReward =
  | { kind: 'amount_off'; amountMinor: number }
  /** The cheapest `quantity` units (default 1) in the basket that match `item`. */
  | { kind: 'free_item'; item: LineSelector; quantity?: number }
  | { kind: 'points'; points: number };

export type Mechanic =
  /** `percent` (1–100) off the target lines (an item, a category, the basket), at most `capMinor`. */
  | { kind: 'percent_off'; target?: LineSelector; percent: number; capMinor?: number }
  /** A fixed amount off the target lines once (`per: 'basket'`) or per unit, per kg for weighed goods (`per: 'unit'`), at most `capMinor`. */
  | { kind: 'amount_off'; target?: LineSelector; amountMinor: number; per: 'basket' | 'unit'; capMinor?: number }
  /** The target lines cost `unitPriceMinor` per unit, per kg for weighed goods. */
  | { kind: 'unit_price'; target: LineSelector; unitPriceMinor: number }
  /** `quantity` units of the target lines (mixed within a group) for `priceMinor`, repeating up to `maxApplications`. */
  | { kind: 'multi_buy'; target: LineSelector; quantity: number; priceMinor: number; maxApplications?: number }
  /**
   * Buy `buyQuantity` units of `buy`, get `rewardQuantity` units of `reward`
   * (default: the same lines) `percent` off (100: free), the cheapest reward
   * units first, repeating up to `maxApplications`.
   */
  | { kind: 'buy_get'; buy: LineSelector; buyQuantity: number; reward?: LineSelector; rewardQuantity: number; percent: number; maxApplications?: number }
  /** Spend `spendMinor` on the target lines (default the basket), get the reward. */
  | { kind: 'spend_reward'; target?: LineSelector; spendMinor: number; reward: SpendReward }
  /**
   * Extra points: `multiplierPercent` of what the base rate earns on the target
   * lines (200: double points, so 100 more), and/or `points` per basket or per
   * unit (per kg for weighed goods).
   */
  | { kind: 'bonus_points'; target?: LineSelector; multiplierPercent?: number; points?: number; per?: 'basket' | 'unit' }
  /** Spend `spendMinor` on the target lines today, get a coupon for a later purchase. */
  | { kind: 'issue_coupon'; target?: LineSelector; spendMinor: number; coupon: CouponTerms };

export interface CouponTerms {
  amountOffMinor: number;
  /** The coupon's own minimum spend when redeemed; default none. */
  minSpendMinor?: number;
  /** Days after the sale's local date the coupon starts (7: next week). */
  validFromDays: number;
  /** How many local days it stays valid. */
  validDays: number;
}

export interface OfferConditions {
  /** Local dates and recurrence in the merchant's time zone; absent: always. */
  schedule?: Schedule;
  /** Store ids; absent: every store. */
  storeIds?: readonly string[];
  /** Given: only members of these tiers. */
  tierCodes?: readonly string[];
  /** Given: only members in one of these segments. */
  segmentIds?: readonly string[];
  memberRequired?: boolean;
  /** Only a member's first purchase. */
  firstPurchase?: boolean;
  /** What the offer's qualifying lines must still cost when it is evaluated (after offers applied before it). */
  minSpendMinor?: number;
  /** Quantity (thousandths) of the offer's qualifying lines. */
  minQuantityMilli?: number;
}

/**
 * exclusive: applies only if no offer applied before it, and then no offer after it applies.
 * combinable: applies with the others, on what the lines still cost.
 * best: of the offers of one group, only the best for the customer applies.
 */
export type Stacking = { class: 'exclusive' } | { class: 'combinable' } | { class: 'best'; group: string };

export const OFFER_TRIGGERS = ['automatic', 'chosen', 'code', 'personal'] as const;
export type OfferTrigger = (typeof OFFER_TRIGGERS)[number];

export interface OfferDefinition {
  id: string;
  /** Printed on the receipt: "3 for 5.00 Yoghurt". */
  name: string;
  /** Higher first; equal priorities in id order. */
  priority: number;
  stacking: Stacking;
  /**
   * automatic: applies on its own. The others apply only when the offer's id
   * is among the context's chosenOfferIds: chosen (the cashier picks it),
   * code (the caller resolved a coupon code to it), personal (the caller
   * knows the member was given it).
   */
  trigger: OfferTrigger;
  conditions?: OfferConditions;
  mechanic: Mechanic;
}

export interface OfferMember {
  tierCode: string | null;
  /** The segments the member is in. */
  segmentIds: readonly string[];
  isFirstPurchase: boolean;
}

export interface OfferContext {
  now: Date;
  /** The merchant's IANA zone: schedules and coupon dates are in it. */
  timeZone: string;
  storeId: string | null;
  /** null: an anonymous sale. */
  member: OfferMember | null;
  /** Offers the shopper or cashier chose (codes, personal offers). */
  chosenOfferIds?: readonly string[];
  /** The program's base earning rate, for point multipliers. */
  baseRate?: { points: number; perMinor: number };
  /** Digits of the currency's minor unit for receipt text; default 2. */
  currencyDigits?: number;
}

export const SKIP_REASONS = [
  'INVALID_DEFINITION',
  'NOT_CHOSEN',
  'NOT_ACTIVE_NOW',
  'STORE_NOT_INCLUDED',
  'MEMBER_REQUIRED',
  'TIER_NOT_INCLUDED',
  'SEGMENT_NOT_INCLUDED',
  'NOT_FIRST_PURCHASE',
  'MINIMUM_SPEND_NOT_MET',
  'MINIMUM_QUANTITY_NOT_MET',
  'NO_MATCHING_ITEMS',
  'NOT_ENOUGH_ITEMS',
  'REWARD_NOT_IN_BASKET',
  'SPEND_THRESHOLD_NOT_MET',
  'NO_BENEFIT',
  'NO_BASE_RATE',
  'NOT_COMBINABLE',
  'EXCLUDED_BY_EXCLUSIVE',
  'BETTER_OFFER_IN_GROUP',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkippedOffer {
  offerId: string;
  reason: SkipReason;
  /** For people: the API and the till may show it. */
  message: string;
}

export interface IssuedCoupon {
  offerId: string;
  amountOffMinor: number;
  minSpendMinor: number;
  /** First and last local day (YYYY-MM-DD, inclusive). */
  validFrom: string;
  validUntil: string;
}

export interface AppliedOfferLine {
  /** Index of the line in the basket as given. */
  index: number;
  discountMinor: number;
  points: number;
  /** Whole units this offer used (qualifying and reward units of unit mechanics). */
  unitsUsed: number;
}

export interface AppliedOffer {
  offerId: string;
  name: string;
  discountMinor: number;
  /** Bonus points; the line-based part is in `lines`, the rest belongs to the basket. */
  points: number;
  lines: AppliedOfferLine[];
  coupon: IssuedCoupon | null;
  /** One receipt line: "3 for 5.00 Yoghurt −1.00". */
  receiptLine: string;
}

export interface OfferOutcome {
  /** Per basket line, in the order given. */
  lines: { discountMinor: number; points: number }[];
  discountMinor: number;
  points: number;
  /** In the order they applied. */
  applied: AppliedOffer[];
  skipped: SkippedOffer[];
  coupons: IssuedCoupon[];
}
