import { z } from 'zod';

export const DashboardQuery = z.strictObject({
  /** Length of the period for sales and points figures, ending now. */
  days: z.coerce.number().int().min(1).max(366).default(30),
  /** How many 7-day buckets the weekly series covers, newest last. */
  weeks: z.coerce.number().int().min(1).max(52).default(12),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

const count = z.number().int();

const Bucket = z.object({
  from: z.string(),
  newMembers: count,
  memberSalesMinor: z.number().int(),
  anonymousSalesMinor: z.number().int(),
  pointsIssued: z.number().int(),
  pointsRedeemed: z.number().int(),
});

export const DashboardOut = z.object({
  currency: z.string(),
  generatedAt: z.string(),
  periodDays: z.number().int(),
  members: z.object({
    /** Members not merged into another; closed ones included. */
    total: count,
    active: count,
    /** Members with at least one completed purchase in the last 30 / 90 days. */
    active30: count,
    active90: count,
  }),
  sales: z.object({
    /** Completed sales in the period, net of refunds, by members and by anonymous shoppers. */
    memberMinor: z.number().int(),
    anonymousMinor: z.number().int(),
    memberCount: count,
    anonymousCount: count,
  }),
  points: z.object({
    /** Points earned (earn + bonus) and redeemed in the period. */
    issued: z.number().int(),
    redeemed: z.number().int(),
    /** Points members hold now (available + pending) and what they are worth at the current redemption rate. */
    outstanding: z.number().int(),
    liabilityMinor: z.number().int(),
    /** Since the start: the redemption rate is lifetimeRedeemed / lifetimeEarned. */
    lifetimeEarned: z.number().int(),
    lifetimeRedeemed: z.number().int(),
  }),
  /** One bucket per 7 days, oldest first; `from` is the bucket's first instant (UTC). */
  weekly: z.array(Bucket),
  /**
   * The period asked for (`days`) as a series, oldest first: daily buckets up to
   * 31 days, 7-day buckets beyond; the first bucket may be cut short.
   */
  series: z.object({ bucketDays: z.number().int(), items: z.array(Bucket) }),
  /** Completed sales in the period per store (net of refunds), biggest first; stores without sales are left out. */
  stores: z.array(z.object({ storeId: z.string(), memberMinor: z.number().int(), anonymousMinor: z.number().int(), receipts: count })),
});
export type DashboardOut = z.infer<typeof DashboardOut>;
