import { z } from 'zod';

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
