import { z } from 'zod';
import { nameText } from '../db/text-limits';
import { firstOccurrenceProblem, rruleProblem } from './recurrence';

/**
 * The loyalty program of a merchant: earning rules, promotions, tiers,
 * redemption, expiry and return policy. Stored as one JSON document per
 * version (see `programs`), validated with these schemas on every write and
 * exported for the back office editor. No floats anywhere: rates are
 * "points per minor units" pairs and multipliers are integer percent
 * (100 = ×1, 150 = ×1.5, 200 = double points).
 */

const MAX_POINTS = 1_000_000_000;
const points = z.number().int().min(0).max(MAX_POINTS);
/** Integer percent multiplier: 100 = ×1 (no change), 250 = ×2.5; at most ×100. */
const multiplierPercent = z.number().int().min(0).max(10_000);
const code = z.string().min(1).max(64);
/** A local calendar date in the merchant's time zone. */
const localDate = z.iso.date();
/** A local wall-clock time, 24 h. */
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

export const BaseRate = z.strictObject({
  /** `points` are earned for every `perMinor` minor units of eligible spend (1 per 100 = 1 point per 1.00). */
  points: z.number().int().min(0).max(1_000),
  perMinor: z.number().int().min(1).max(1_000_000),
});

export const Rounding = z.enum(['floor', 'round', 'ceil']);
export const RoundingScope = z.enum(['per_receipt', 'per_line']);

export const CategoryMultiplier = z.strictObject({ category: code, multiplierPercent });
export const SkuMultiplier = z.strictObject({ sku: code, multiplierPercent });
/** Fixed bonus points per whole unit bought of a SKU or category (weighed goods: per whole kg). */
export const ProductBonus = z
  .strictObject({
    sku: code.optional(),
    category: code.optional(),
    pointsPerUnit: points,
    label: nameText(100),
  })
  .refine((b) => (b.sku === undefined) !== (b.category === undefined), 'give either sku or category');

export const Recurrence = z.strictObject({
  /**
   * iCalendar RRULE body, e.g. "FREQ=WEEKLY;BYDAY=TU"; occurrences start at `startTime` local time.
   * A bounded subset (see recurrence.ts): DAILY or coarser, no COUNT, BYHOUR, BYMINUTE or BYSECOND.
   */
  rrule: z
    .string()
    .min(6)
    .max(500)
    .superRefine((value, ctx) => {
      const problem = rruleProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  startTime: localTime,
  /** How long each occurrence lasts; a window may run past midnight. */
  durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
});

export const Promotion = z
  .strictObject({
    code,
    name: nameText(200),
    /** Applied on top of base, product and tier multipliers (see earning.ts for the order). */
    multiplierPercent: multiplierPercent.default(100),
    /** Fixed points per qualifying basket while the promotion is active. */
    bonusPoints: points.default(0),
    /** First and last local date the promotion runs (inclusive); startsOn also anchors the recurrence. */
    startsOn: localDate,
    endsOn: localDate.nullable().default(null),
    /** null: always active between the dates. */
    recurrence: Recurrence.nullable().default(null),
    /** null: every store. */
    storeIds: z.array(z.uuid()).max(1000).nullable().default(null),
    /** null: every member; otherwise only members of these tiers. */
    tierCodes: z.array(code).max(50).nullable().default(null),
    /** null: the whole eligible basket; otherwise only lines of these categories earn the multiplier. */
    categories: z.array(code).max(200).nullable().default(null),
  })
  .refine((p) => p.endsOn === null || p.endsOn >= p.startsOn, { message: 'endsOn must not be before startsOn', path: ['endsOn'] })
  .superRefine((p, ctx) => {
    if (!p.recurrence || rruleProblem(p.recurrence.rrule)) return;
    const problem = firstOccurrenceProblem(p.recurrence.rrule, p.startsOn);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['recurrence', 'rrule'] });
  });

export const Cap = z.strictObject({
  period: z.enum(['day', 'week', 'month']),
  /** Most promotion and product-bonus points one member earns per period (merchant's calendar). */
  points,
});

export const Tier = z.strictObject({
  code,
  name: nameText(100),
  /** Spend in minor units or points over the window (see tierPolicy.basis) to reach this tier. */
  threshold: z.number().int().min(0).max(1e14),
  earnMultiplierPercent: multiplierPercent.default(100),
  benefits: z.string().max(2000).default(''),
});

export const TierPolicy = z.strictObject({
  /** One basis and window for the whole ladder, so "how far to the next tier" has one unit. */
  basis: z.enum(['spend', 'points']),
  windowDays: z.number().int().min(1).max(3660),
  /** A member who no longer qualifies keeps the tier this long after re-evaluation notices. */
  graceDays: z.number().int().min(0).max(3660),
});

export const Redemption = z
  .strictObject({
    enabled: z.boolean(),
    /** `pointsPerUnit` points are worth `unitValueMinor` minor units (100 points = 100 minor = 1.00). */
    pointsPerUnit: z.number().int().min(1).max(1_000_000),
    unitValueMinor: z.number().int().min(1).max(1_000_000),
    minPoints: points,
    step: z.number().int().min(1).max(1_000_000),
    maxShareOfBasketPercent: z.number().int().min(1).max(100),
  })
  .refine((r) => r.step % r.pointsPerUnit === 0 || r.pointsPerUnit % r.step === 0, {
    message: 'step and pointsPerUnit must divide one another',
    path: ['step'],
  });

export const Expiry = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never') }),
  z.strictObject({ kind: z.literal('days'), days: z.number().int().min(1).max(36_600) }),
  /** At the end of the month the points were earned in, plus `monthsAfter` months (merchant's calendar). */
  z.strictObject({ kind: z.literal('end_of_month'), monthsAfter: z.number().int().min(0).max(1200).default(0) }),
  z.strictObject({ kind: z.literal('end_of_year'), yearsAfter: z.number().int().min(0).max(100).default(0) }),
]);

export const ProgramRules = z.strictObject({
  earning: z.strictObject({
    baseRate: BaseRate,
    rounding: Rounding,
    roundingScope: RoundingScope,
    /** Baskets whose eligible spend is below this earn nothing (equal earns). */
    minimumSpendMinor: z.number().int().min(0).max(1e12),
    excludedCategories: z.array(code).max(500),
    categoryMultipliers: z.array(CategoryMultiplier).max(500),
    skuMultipliers: z.array(SkuMultiplier).max(5000),
    productBonuses: z.array(ProductBonus).max(5000),
    firstPurchaseBonus: points,
    /** The part of a basket paid with points earns nothing (pro rata across lines). */
    excludePointsPaidShare: z.boolean(),
  }),
  promotions: z.array(Promotion).max(200),
  promotionCap: Cap.nullable(),
  tiers: z.array(Tier).max(20),
  tierPolicy: TierPolicy,
  redemption: Redemption,
  expiry: Expiry,
  /** Days earned points stay pending (the return window) before they can be spent; 0 = at once. */
  pendingDays: z.number().int().min(0).max(365),
  /** When a return reverses earned points already spent: go negative, or take only what is there. */
  returnClawback: z.enum(['negative', 'cap']),
  /** How long after a purchase a member may claim a receipt they forgot to scan their card for. */
  receiptClaimWindowDays: z.number().int().min(0).max(365),
});

export type ProgramRules = z.infer<typeof ProgramRules>;
export type PromotionRule = z.infer<typeof Promotion>;
export type TierRule = z.infer<typeof Tier>;
export type ExpiryRule = z.infer<typeof Expiry>;

/** The rules in force at some moment, with where they come from. */
export interface Program extends ProgramRules {
  /** 0 = the built-in default (the merchant never saved a program). */
  version: number;
  effectiveFrom: Date;
  /** The merchant's IANA zone: days, months, promotion windows and expiry dates are in it. */
  timeZone: string;
}

/** What a merchant gets before saving a program: a plain grocer's scheme. */
export const DEFAULT_RULES: ProgramRules = ProgramRules.parse({
  earning: {
    baseRate: { points: 1, perMinor: 100 },
    rounding: 'floor',
    roundingScope: 'per_receipt',
    minimumSpendMinor: 0,
    excludedCategories: ['tobacco', 'lottery', 'gift_cards', 'deposits'],
    categoryMultipliers: [],
    skuMultipliers: [],
    productBonuses: [],
    firstPurchaseBonus: 0,
    excludePointsPaidShare: true,
  },
  promotions: [],
  promotionCap: null,
  tiers: [],
  tierPolicy: { basis: 'spend', windowDays: 365, graceDays: 30 },
  redemption: { enabled: true, pointsPerUnit: 100, unitValueMinor: 100, minPoints: 100, step: 100, maxShareOfBasketPercent: 100 },
  expiry: { kind: 'never' },
  pendingDays: 0,
  returnClawback: 'negative',
  receiptClaimWindowDays: 14,
});

/** GET /v1/program and the versions list. */
export const ProgramView = z.object({
  version: z.number().int(),
  effectiveFrom: z.string(),
  createdBy: z.string().nullable(),
  rules: ProgramRules,
});

export const PutProgramBody = z.strictObject({
  rules: ProgramRules,
  /** When the new rules start to apply; default now. Never in the past: replayed purchases keep their rules. */
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
});
