import { z } from 'zod';
import { Expiry } from './program.schemas';
import type { Program } from './program.schemas';

export const TierProgressOut = z.object({
  tier: z.object({ code: z.string(), name: z.string() }).nullable(),
  next: z
    .object({
      code: z.string(),
      name: z.string(),
      /** Still to spend (minor units) or to earn (points) over the rolling window. */
      remaining: z.number().int(),
      unit: z.enum(['spend_minor', 'points']),
    })
    .nullable(),
});

/**
 * The program in force as a member reads it ("how points work"): the base
 * rate, what earns nothing, the bonuses by category, redemption, holding and
 * expiry. Not the whole rule set: promotions, SKU rules and caps stay staff-side.
 */
export const MemberProgramOut = z.object({
  earning: z.object({
    points: z.number().int(),
    perMinor: z.number().int().describe('points are earned for every perMinor minor units spent'),
    minimumSpendMinor: z.number().int(),
    excludedCategories: z.array(z.string()),
    categoryMultipliers: z.array(z.object({ category: z.string(), multiplierPercent: z.number().int() })),
    firstPurchaseBonus: z.number().int(),
  }),
  redemption: z.object({
    enabled: z.boolean(),
    pointsPerUnit: z.number().int(),
    unitValueMinor: z.number().int(),
    minPoints: z.number().int(),
    step: z.number().int(),
    maxShareOfBasketPercent: z.number().int(),
  }),
  expiry: Expiry,
  pendingDays: z.number().int(),
  tiers: z.array(z.object({ code: z.string(), name: z.string(), earnMultiplierPercent: z.number().int(), benefits: z.string() })),
});

export function memberProgramView(p: Program): z.infer<typeof MemberProgramOut> {
  const e = p.earning;
  return {
    earning: {
      points: e.baseRate.points,
      perMinor: e.baseRate.perMinor,
      minimumSpendMinor: e.minimumSpendMinor,
      excludedCategories: e.excludedCategories,
      categoryMultipliers: e.categoryMultipliers.map((m) => ({ category: m.category, multiplierPercent: m.multiplierPercent })),
      firstPurchaseBonus: e.firstPurchaseBonus,
    },
    redemption: { ...p.redemption },
    expiry: p.expiry,
    pendingDays: p.pendingDays,
    tiers: p.tiers.map((t) => ({ code: t.code, name: t.name, earnMultiplierPercent: t.earnMultiplierPercent, benefits: t.benefits })),
  };
}
