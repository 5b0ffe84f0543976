import { z } from 'zod';
import { OFFER_TRIGGERS } from '../../offer-engine';
import { nameText } from '../db/text-limits';

/**
 * The offers API: an offer is the engine's definition (docs/offers.md) with
 * a name, a status and the limits a sale must keep. Bodies are strict and
 * every list and string is bounded; what zod cannot say about a definition
 * (a cap on a percent, an end before a start, an RRULE) the engine's
 * `definitionProblem` checks on save.
 */

const MAX_MINOR = 1_000_000_000;
const minor = z.number().int().min(0).max(MAX_MINOR);
const code = z.string().trim().min(1).max(64);
const list = z.array(code).max(200);
/** A coupon code as printed or typed: letters, digits, dashes and spaces (compared in upper case without dashes or spaces). */
export const CouponCode = z
  .string()
  .trim()
  .min(3)
  .max(40)
  .regex(/^[0-9A-Za-z][0-9A-Za-z -]*$/, 'letters, digits, dashes and spaces');
const localDate = z.iso.date().describe('YYYY-MM-DD, a local day in the merchant’s time zone');

export const LineSelector = z
  .strictObject({ skus: list.optional(), categories: list.optional(), groups: list.optional() })
  .describe('A line matches when its SKU, one of its categories or one of its groups is listed; no list: every line');

const SpendReward = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('amount_off'), amountMinor: minor }),
  z.strictObject({ kind: z.literal('free_item'), item: LineSelector, quantity: z.number().int().min(1).max(1000).optional() }),
  z.strictObject({ kind: z.literal('points'), points: z.number().int().min(0).max(MAX_MINOR) }),
]);

const applications = z.number().int().min(1).max(1000).optional();

export const Mechanic = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent_off'), target: LineSelector.optional(), percent: z.number().int().min(1).max(100), capMinor: minor.optional() }),
  z.strictObject({ kind: z.literal('amount_off'), target: LineSelector.optional(), amountMinor: minor, per: z.enum(['basket', 'unit']), capMinor: minor.optional() }),
  z.strictObject({ kind: z.literal('unit_price'), target: LineSelector, unitPriceMinor: minor }),
  z.strictObject({ kind: z.literal('multi_buy'), target: LineSelector, quantity: z.number().int().min(1).max(1000), priceMinor: minor, maxApplications: applications }),
  z.strictObject({
    kind: z.literal('buy_get'),
    buy: LineSelector,
    buyQuantity: z.number().int().min(1).max(1000),
    reward: LineSelector.optional(),
    rewardQuantity: z.number().int().min(1).max(1000),
    percent: z.number().int().min(1).max(100),
    maxApplications: applications,
  }),
  z.strictObject({ kind: z.literal('spend_reward'), target: LineSelector.optional(), spendMinor: minor, reward: SpendReward }),
  z.strictObject({
    kind: z.literal('bonus_points'),
    target: LineSelector.optional(),
    multiplierPercent: z.number().int().min(0).max(10_000).optional(),
    points: z.number().int().min(0).max(MAX_MINOR).optional(),
    per: z.enum(['basket', 'unit']).optional(),
  }),
  z.strictObject({
    kind: z.literal('issue_coupon'),
    target: LineSelector.optional(),
    spendMinor: minor,
    coupon: z.strictObject({
      amountOffMinor: minor,
      minSpendMinor: minor.optional(),
      validFromDays: z.number().int().min(0).max(366),
      validDays: z.number().int().min(1).max(366),
    }),
  }),
]);

export const OfferConditions = z.strictObject({
  schedule: z
    .strictObject({
      startsOn: localDate,
      endsOn: localDate.nullable(),
      recurrence: z.strictObject({ rrule: z.string().min(1).max(200), startTime: z.string().max(5), durationMinutes: z.number().int().min(1).max(11_520) }).nullable(),
    })
    .optional(),
  storeIds: z.array(z.uuid()).max(200).optional(),
  tierCodes: list.optional(),
  segmentIds: list.optional(),
  memberRequired: z.boolean().optional(),
  firstPurchase: z.boolean().optional(),
  minSpendMinor: minor.optional(),
  minQuantityMilli: z.number().int().min(0).max(10_000_000).optional(),
});

export const Stacking = z.discriminatedUnion('class', [
  z.strictObject({ class: z.literal('exclusive') }),
  z.strictObject({ class: z.literal('combinable') }),
  z.strictObject({ class: z.literal('best'), group: code }),
]);

export const OfferLimits = z.strictObject({
  maxUses: z.number().int().min(1).max(MAX_MINOR).nullable().optional().describe('Sales that may use the offer, in all'),
  perMember: z
    .strictObject({ uses: z.number().int().min(1).max(1000), period: z.enum(['day', 'week', 'month']) })
    .nullable()
    .optional()
    .describe("Uses per member per local day, week (from Monday) or month; an anonymous sale cannot use a limited-per-member offer"),
  budgetMinor: minor.min(1).nullable().optional().describe('The most the offer may take off over all its sales'),
});

const definitionShape = {
  name: nameText(200).describe('Printed on the receipt: "3 for 5.00 Yoghurt"'),
  priority: z.number().int().min(-1000).max(1000).default(0).describe('Higher first; equal priorities in id order'),
  stacking: Stacking.default({ class: 'combinable' }),
  trigger: z
    .enum(OFFER_TRIGGERS)
    .default('automatic')
    .describe('chosen: applies when the till sends its id in offerIds; code: when the till sends one of its codes; personal: for the members it is given to'),
  code: CouponCode.nullable().optional().describe('A `code` offer’s public multi-use code; without one the offer is used with single-use codes from batches'),
  activationRequired: z.boolean().optional().describe('A `personal` offer: the member activates it in the portal before the till applies it'),
  rewardPoints: z.number().int().min(1).max(1_000_000_000).nullable().optional().describe('A `code` offer in the rewards catalogue: points a member pays for one of its single-use codes'),
  conditions: OfferConditions.optional(),
  mechanic: Mechanic,
  limits: OfferLimits.optional(),
};

export const CreateOfferBody = z.strictObject(definitionShape);
export type CreateOfferBody = z.infer<typeof CreateOfferBody>;

export const UpdateOfferBody = z
  .strictObject({
    name: definitionShape.name.optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    stacking: Stacking.optional(),
    trigger: z.enum(OFFER_TRIGGERS).optional(),
    code: CouponCode.nullable().optional(),
    activationRequired: z.boolean().optional(),
    rewardPoints: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
    conditions: OfferConditions.nullable().optional(),
    mechanic: Mechanic.optional(),
    limits: OfferLimits.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field', path: ['name'] });
export type UpdateOfferBody = z.infer<typeof UpdateOfferBody>;

export const OfferStatusName = z.enum(['draft', 'active', 'paused', 'ended']);

export const OfferParams = z.strictObject({ offerId: z.uuid() });
export const OfferListQuery = z.strictObject({ status: OfferStatusName.optional() });

const LimitsOut = z.object({
  maxUses: z.number().int().nullable(),
  perMember: z.object({ uses: z.number().int(), period: z.enum(['day', 'week', 'month']) }).nullable(),
  budgetMinor: z.number().int().nullable(),
});

export const OfferOut = z.object({
  id: z.string(),
  name: z.string(),
  status: OfferStatusName,
  priority: z.number().int(),
  stacking: Stacking,
  trigger: z.enum(OFFER_TRIGGERS),
  /** The public code of a `code` offer; null: none (single-use codes only, or another trigger). */
  code: z.string().nullable(),
  activationRequired: z.boolean(),
  rewardPoints: z.number().int().nullable(),
  conditions: OfferConditions.nullable(),
  mechanic: Mechanic,
  limits: LimitsOut,
  /** The schedule's dates, for the list. */
  startsOn: z.string().nullable(),
  endsOn: z.string().nullable(),
  /** Uses so far and what they cost. */
  uses: z.number().int(),
  discountMinor: z.number().int(),
  points: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type OfferOut = z.infer<typeof OfferOut>;

export const OfferList = z.object({ items: z.array(OfferOut) });

export const OfferReport = z.object({
  offerId: z.string(),
  /** Sales that used the offer. */
  uses: z.number().int(),
  /** Different members among them. */
  members: z.number().int(),
  anonymousUses: z.number().int(),
  discountMinor: z.number().int(),
  /** Bonus points the offer gave. */
  points: z.number().int(),
  /** Sales of the baskets that used the offer: their totals before discounts. */
  salesMinor: z.number().int(),
  firstUseAt: z.string().nullable(),
  lastUseAt: z.string().nullable(),
  /** Uses a till priced offline (the server recorded them as printed). */
  offlineUses: z.number().int(),
  /** Offline uses the server would have refused: for the owner to look at. */
  flaggedUses: z.number().int(),
  /**
   * The latest 50 of them: OFFER_ENDED (after the offer ended), OFFER_NOT_ACTIVE
   * (not running then), OVER_TOTAL_LIMIT, OVER_BUDGET, OVER_MEMBER_LIMIT.
   */
  flags: z.array(
    z.object({
      purchaseId: z.string(),
      occurredAt: z.string(),
      flag: z.enum(['OFFER_ENDED', 'OFFER_NOT_ACTIVE', 'OVER_TOTAL_LIMIT', 'OVER_BUDGET', 'OVER_MEMBER_LIMIT']),
      discountMinor: z.number().int(),
      memberId: z.string().nullable(),
    }),
  ),
});
export type OfferReport = z.infer<typeof OfferReport>;

export const CodeBatchParams = z.strictObject({ offerId: z.uuid(), batchId: z.uuid() });

export const CreateCodeBatchBody = z.strictObject({
  count: z.number().int().min(1).max(10_000).describe('How many single-use codes to generate'),
  prefix: z
    .string()
    .trim()
    .max(12)
    .regex(/^[0-9A-Za-z-]*$/, 'letters, digits and dashes')
    .optional()
    .describe('Printed before each code (upper case, dashes dropped), to tell batches apart'),
});
export type CreateCodeBatchBody = z.infer<typeof CreateCodeBatchBody>;

const CodeBatchShape = {
  id: z.string(),
  offerId: z.string(),
  prefix: z.string(),
  count: z.number().int(),
  createdAt: z.string(),
};

/** A new batch and its codes (also downloadable as CSV and as a printable sheet). */
export const CreatedCodeBatch = z.object({ ...CodeBatchShape, codes: z.array(z.string()) });

export const CodeBatchList = z.object({ items: z.array(z.object({ ...CodeBatchShape, used: z.number().int().describe('Codes of the batch a sale has used (a void gives them back)') })) });

export const CodeSheetQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(500),
});

export const GiveOfferBody = z
  .strictObject({
    memberIds: z.array(z.uuid()).max(1000).optional().describe('Members of this shop'),
    segmentId: z.uuid().optional().describe('Every member the segment has now'),
  })
  .refine((b) => (b.memberIds?.length ?? 0) > 0 || b.segmentId !== undefined, { message: 'send memberIds or a segmentId', path: ['memberIds'] });

export const GivenOut = z.object({ added: z.number().int().describe('Members who did not have it yet'), members: z.number().int().describe('Members who have it now') });

/** A personal offer as its member sees it. */
export const MyOfferOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  endsOn: z.string().nullable(),
  activationRequired: z.boolean(),
  activatedAt: z.string().nullable(),
  /** The till applies it: given, and activated when it asks for that. */
  usable: z.boolean(),
});

export const MyOffersOut = z.object({
  offers: z.array(MyOfferOut),
  /** Unused coupon codes that belong to the member (from a sale or the rewards catalogue). */
  coupons: z.array(
    z.object({
      code: z.string(),
      offerId: z.string(),
      offerName: z.string(),
      /** A next-purchase coupon's value; null: the code applies its offer as defined. */
      amountOffMinor: z.number().int().nullable(),
      validFrom: z.string().nullable(),
      validUntil: z.string().nullable(),
    }),
  ),
});

/** The rewards catalogue as a member sees it: the rewards on offer and what each costs in points. */
export const RewardList = z.object({ items: z.array(z.object({ offerId: z.string(), name: z.string(), kind: z.string(), points: z.number().int(), endsOn: z.string().nullable() })) });

/** A reward bought: the member's new single-use code and the points it cost. */
export const RewardBought = z.object({ code: z.string(), offerId: z.string(), name: z.string(), points: z.number().int(), available: z.number().int().describe('The member’s spendable points after it') });
