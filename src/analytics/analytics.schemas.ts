import { z } from 'zod';
import { RFM_SEGMENTS } from './models/rfm';

const Id = z.string().min(1).max(36);
/** A real calendar date from 2000 on (a day like 2024-02-30 or 0000-00-00 is refused, not rolled over). */
const IsoDate = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => {
    const time = Date.parse(`${d}T00:00:00Z`);
    return d >= '2000-01-01' && d <= '2999-12-31' && Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === d;
  }, 'expected a real date from 2000-01-01 on');
const score = z.coerce.number().int().min(1).max(5);
const count = z.number().int();

export const RunInput = z.strictObject({
  /** Score as of this date (merchant time; purchases before it count). Default today. */
  asOf: IsoDate.optional(),
  /** Share of spend that is profit, for CLV. */
  margin: z.number().min(0).max(1).optional(),
  /** Discount rate per month, for CLV. */
  discountRate: z.number().min(0).max(1).optional(),
  horizonMonths: z.number().int().min(1).max(120).optional(),
  /** ABC shares in percent (C is the rest). */
  aPercent: z.number().int().min(1).max(99).optional(),
  bPercent: z.number().int().min(0).max(98).optional(),
  /** Holdout period of the calibration check. */
  holdoutDays: z.union([z.literal(30), z.literal(90), z.literal(365)]).optional(),
});
export type RunInput = z.infer<typeof RunInput>;

export const RunParams = z.strictObject({ runId: Id });
export const MemberParams = z.strictObject({ memberId: Id });

export const AsOfQuery = z.strictObject({
  /** The run as of this date (the newest finished one when absent). */
  asOf: IsoDate.optional(),
});

export const MembersQuery = AsOfQuery.extend({
  segment: z.enum(RFM_SEGMENTS).optional(),
  r: score.optional(),
  f: score.optional(),
  m: score.optional(),
  abc: z.enum(['A', 'B', 'C']).optional(),
  /** Churn risk at least this (0–100). */
  minRisk: z.coerce.number().int().min(0).max(100).optional(),
  sort: z.enum(['atStake', 'risk', 'clv', 'spend', 'recency']).default('spend'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type MembersQuery = z.infer<typeof MembersQuery>;

export const ProductsQuery = AsOfQuery.extend({
  abc: z.enum(['A', 'B', 'C']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type ProductsQuery = z.infer<typeof ProductsQuery>;

export const BacktestQuery = AsOfQuery.extend({
  /** "Came back within" this many days after the as-of date. */
  days: z.coerce.number().int().min(1).max(365).default(90),
});

export const RunOut = z.object({
  id: z.string(),
  asOf: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  trigger: z.string(),
  members: count,
  settings: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const RunsOut = z.object({ items: z.array(RunOut) });

const ClassSummary = z.object({ class: z.enum(['A', 'B', 'C']), count, spendMinor: count });

export const OverviewOut = z.object({
  run: RunOut,
  currency: z.string(),
  segments: z.array(z.object({ segment: z.string(), members: count, spendMinor: count, spendShareBasisPoints: count })),
  grid: z.array(z.object({ r: count, f: count, members: count, spendMinor: count })),
  movement: z
    .object({ previousRunId: z.string(), previousAsOf: z.string(), moves: z.array(z.object({ from: z.string(), to: z.string(), members: count })) })
    .nullable(),
  abc: z.object({ members: z.array(ClassSummary), products: z.array(ClassSummary) }),
  clv: z
    .object({ buckets: z.array(z.object({ fromMinor: count, toMinor: count.nullable(), members: count })), p50: count, p90: count, p99: count, totalMinor: count })
    .nullable(),
  churn: z.array(z.object({ from: count, members: count, atStakeMinor: count })),
  tooFewData: z.array(z.string()),
});

/** A member's scores in a run; `reason` is the data of the churn sentence ("usually every 6 days; last visit 24 days ago"). */
export const MemberScoreOut = z.object({
  memberId: z.string(),
  name: z.string(),
  memberNumber: z.string().nullable(),
  visits: count,
  spendMinor: count,
  firstDate: z.string(),
  lastDate: z.string(),
  daysSinceLast: count,
  r: count,
  f: count,
  m: count,
  segment: z.string().nullable(),
  abc: z.string().nullable(),
  churnRisk: count.nullable(),
  reason: z.object({ usualGapDays: count.nullable(), daysSinceLast: count, purchases: count, rhythm: z.string().nullable() }),
  pAlive: z.number().nullable(),
  expectedPurchases: z.object({ d30: z.number().nullable(), d90: z.number().nullable(), d365: z.number().nullable() }),
  expectedSpendMinor: count.nullable(),
  clvMinor: count.nullable(),
  atStakeMinor: count.nullable(),
});

export const MembersOut = z.object({ asOf: z.string(), runId: z.string(), items: z.array(MemberScoreOut), total: count });

export const ProductOut = z.object({ sku: z.string(), name: z.string().nullable(), category: z.string().nullable(), spendMinor: count, quantityMilli: count, receipts: count, abc: z.string() });

export const ProductsOut = z.object({ asOf: z.string(), runId: z.string(), items: z.array(ProductOut), total: count });

export const ParetoOut = z.object({
  asOf: z.string(),
  /** Cumulative share of spend (basis points) by the top 5 %, 10 %, … 100 % of members and of products. */
  members: z.array(z.object({ topPercent: count, spendShareBasisPoints: count })),
  products: z.array(z.object({ topPercent: count, spendShareBasisPoints: count })),
  classes: z.object({ members: z.array(ClassSummary), products: z.array(ClassSummary) }),
});

export const MemberPanelOut = z.object({
  /** Facts from every purchase so far (null when the member has not bought). */
  facts: z
    .object({ firstDate: z.string(), lastDate: z.string(), visits: count, spendMinor: count, averageSpendMinor: count, receipts: count, stores: count, categories: count, longestGapDays: count })
    .nullable(),
  /** Scores of the run (null when the run has no row for the member). */
  scores: MemberScoreOut.nullable(),
  asOf: z.string().nullable(),
});

export const DiagnosticsOut = z.object({ asOf: z.string(), runId: z.string(), diagnostics: z.record(z.string(), z.unknown()), settings: z.record(z.string(), z.unknown()) });

export const BacktestOut = z.object({
  asOf: z.string(),
  days: count,
  members: count,
  /** Members who did not come back within `days` (the positives). */
  didNotComeBack: count,
  /** Whether that window is complete (ends before today); an incomplete one counts visits so far. */
  complete: z.boolean(),
  /** AUC of the churn risk score, and of days since the last visit alone, for comparison (null when a class is empty). */
  aucChurnRisk: z.number().nullable(),
  aucRecency: z.number().nullable(),
});
