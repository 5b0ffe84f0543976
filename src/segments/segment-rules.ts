import { z } from 'zod';

/*
 * The values other modules define (analytics' RFM segments, feedback's bands,
 * members' consent kinds), written out here because the web app type-checks
 * this schema and must not pull those modules' entities in; a unit test
 * (test/unit/segments/segment-rules.test.ts) fails when they drift apart.
 */
export const RULE_RFM_SEGMENTS = ['Champions', 'Loyal', 'Potential loyalists', 'New', 'At risk', "Can't lose", 'Hibernating', 'Lost'] as const;
export const RULE_BANDS = ['promoter', 'passive', 'detractor'] as const;
export const RULE_CONSENT_KINDS = ['marketing_email', 'marketing_sms', 'profiling'] as const;

/**
 * Rules of a segment (issue 12, item 1): conditions over member facts and
 * scores, joined in a group by "all" (AND) or "any" (OR); a group may hold
 * groups of conditions, one level down, which is enough for
 * "(A and B) or (C and D)". Windows count back from the refresh.
 */
const days = z.number().int().min(1).max(730).describe('the last N days, counted back from the refresh');
const count = z.number().int().min(0).max(1_000_000);
const money = z.number().int().min(0).max(1e12).describe('minor units of the merchant currency');

/** min ≤ max where both are given, and at least one of them. */
function bounded<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape).refine((c) => {
    const { min, max } = c as { min?: number; max?: number };
    return (min !== undefined || max !== undefined) && (min === undefined || max === undefined || min <= max);
  }, 'give min, max or both, with min ≤ max');
}

export const SegmentCondition = z.union([
  z.strictObject({ field: z.literal('rfmSegment'), in: z.array(z.enum(RULE_RFM_SEGMENTS)).min(1).max(RULE_RFM_SEGMENTS.length) }),
  z.strictObject({ field: z.literal('abcClass'), in: z.array(z.enum(['A', 'B', 'C'])).min(1).max(3) }),
  bounded({ field: z.literal('churnRisk'), min: z.number().int().min(0).max(100).optional(), max: z.number().int().min(0).max(100).optional() }),
  bounded({ field: z.literal('lifetimeValue'), min: money.optional(), max: money.optional() }),
  bounded({ field: z.literal('visits'), withinDays: days, min: count.optional(), max: count.optional() }).describe('visits (days with a purchase) in the window'),
  bounded({ field: z.literal('spend'), withinDays: days, min: money.optional(), max: money.optional() }).describe('net spend in the window'),
  z.strictObject({ field: z.literal('boughtCategory'), withinDays: days, categories: z.array(z.string().trim().min(1).max(64)).min(1).max(50) }),
  z.strictObject({ field: z.literal('boughtAtStore'), withinDays: days, storeIds: z.array(z.uuid()).min(1).max(50) }),
  z.strictObject({ field: z.literal('consent'), kind: z.enum(RULE_CONSENT_KINDS) }).describe('the latest answer for this consent is "granted"'),
  z.strictObject({ field: z.literal('birthdayMonth'), in: z.array(z.number().int().min(1).max(12)).min(1).max(12) }),
  z
    .strictObject({ field: z.literal('enrolled'), from: z.iso.date().optional(), before: z.iso.date().optional() })
    .refine((c) => (c.from !== undefined || c.before !== undefined) && (!c.from || !c.before || c.from < c.before), 'give from, before or both, with from < before'),
  z.strictObject({ field: z.literal('feedback'), bands: z.array(z.enum(RULE_BANDS)).min(1).max(RULE_BANDS.length) }).describe("the band of the member's latest feedback answer"),
]);
export type SegmentCondition = z.infer<typeof SegmentCondition>;

const match = z.enum(['all', 'any']).describe('all: every condition holds (AND); any: at least one (OR)');

export const SegmentSubgroup = z.strictObject({ match, conditions: z.array(SegmentCondition).min(1).max(20) });

export const SegmentRules = z.strictObject({ match, conditions: z.array(z.union([SegmentCondition, SegmentSubgroup])).min(1).max(20) });
export type SegmentRules = z.infer<typeof SegmentRules>;
export type SegmentGroup = SegmentRules | z.infer<typeof SegmentSubgroup>;

/** Every condition of the rules, in the order `compileRules` asks for their sets. */
export function conditionsOf(rules: SegmentRules): SegmentCondition[] {
  return rules.conditions.flatMap((c) => ('match' in c ? c.conditions : [c]));
}
