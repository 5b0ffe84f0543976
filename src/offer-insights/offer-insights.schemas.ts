import { z } from 'zod';

/** Weeks of sales a simulation goes over, by default and at most. */
export const DEFAULT_WEEKS = 8;
export const MAX_WEEKS = 52;

/**
 * The schemas of the insights API. The draft's body (`offer` is the offers
 * API's create body) is declared with the routes, so the web app can import
 * these answers without the offers module's server files.
 */

export const Weeks = z.number().int().min(1).max(MAX_WEEKS).default(DEFAULT_WEEKS).describe('How many weeks back from now (7-day periods)');

export const SimulateOfferBody = z.strictObject({ weeks: Weeks });
export type SimulateOfferBody = z.infer<typeof SimulateOfferBody>;

export const OfferParams = z.strictObject({ offerId: z.uuid() });

const Figures = {
  /** Completed sales in the period (receipts with a positive total). */
  baskets: z.number().int(),
  /** Those the offer would have applied to. */
  qualifyingBaskets: z.number().int(),
  /** What it would have taken off them. */
  discountMinor: z.number().int(),
  /** Bonus points it would have given. */
  points: z.number().int(),
};

export const OfferSimulation = z.object({
  from: z.string(),
  to: z.string(),
  weeks: z.number().int(),
  ...Figures,
  /** Different members among all the baskets, and among the qualifying ones. */
  members: z.number().int(),
  qualifyingMembers: z.number().int(),
  /** Average basket (before offers) of all the baskets and of the qualifying ones; null when there are none. */
  averageBasketMinor: z.number().int().nullable(),
  averageQualifyingBasketMinor: z.number().int().nullable(),
  /** One entry per week, oldest first; a week starts at `from` + 7 days × its position. */
  series: z.array(z.object({ weekStart: z.string(), ...Figures })),
});
export type OfferSimulation = z.infer<typeof OfferSimulation>;

export const MAX_REPORT_DAYS = 92;

export const OfferDailyQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(MAX_REPORT_DAYS).default(30).describe('How many local days, up to today or to the day the offer ended'),
});

export const OfferDaily = z.object({
  offerId: z.string(),
  /** The merchant's zone the days are in. */
  timeZone: z.string(),
  days: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD, local'),
      uses: z.number().int(),
      discountMinor: z.number().int(),
      points: z.number().int(),
      salesMinor: z.number().int(),
    }),
  ),
});
export type OfferDaily = z.infer<typeof OfferDaily>;
