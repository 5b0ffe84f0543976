import { z } from 'zod';
import { METHODS } from './models/backtest';
import { LEVELS, MEASURES } from './series-keys';

/** A real calendar date from 2000 on (a day like 2024-02-30 is refused, not rolled over). */
const IsoDate = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => {
    const time = Date.parse(`${d}T00:00:00Z`);
    return d >= '2000-01-01' && d <= '2999-12-31' && Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === d;
  }, 'expected a real date from 2000-01-01 on');

export const CalendarInput = z.strictObject({
  /** ISO weekdays the shops never open: 1 = Monday … 7 = Sunday. */
  closedWeekdays: z.array(z.number().int().min(1).max(7)).max(7),
  /** Dates the shops are closed (holidays, stocktaking), each once. */
  closedDays: z
    .array(z.strictObject({ date: IsoDate, name: z.string().trim().max(100) }))
    .max(1000)
    .refine((days) => new Set(days.map((d) => d.date)).size === days.length, 'each date at most once'),
});

export const CalendarOut = z.object({
  closedWeekdays: z.array(z.number().int()),
  closedDays: z.array(z.object({ date: z.string(), name: z.string() })),
  updatedAt: z.string().nullable(),
});

export const RunInput = z.strictObject({
  /** Forecast as of this date (merchant time): the sales before it are the history, the forecast starts on it. Default today. */
  asOf: IsoDate.optional(),
});

export const RunParams = z.strictObject({ runId: z.string().min(1).max(36) });

const RunSummaryOut = z.object({
  series: z.record(z.string(), z.number()),
  tooFewData: z.number(),
  methods: z.record(z.string(), z.number()),
  timings: z.record(z.string(), z.number()),
});

export const RunOut = z.object({
  id: z.string(),
  asOf: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  trigger: z.string(),
  horizon: z.number().int(),
  series: z.number().int(),
  summary: RunSummaryOut.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const RunsOut = z.object({ items: z.array(RunOut) });

export const AsOfQuery = z.strictObject({
  /** The newest finished run as of this date; the newest finished run of all when absent. */
  asOf: IsoDate.optional(),
});

export const SeriesListQuery = AsOfQuery.extend({
  level: z.enum(LEVELS).optional(),
  storeId: z.string().min(1).max(36).optional(),
  category: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type SeriesListQuery = z.infer<typeof SeriesListQuery>;

export const SeriesParams = z.strictObject({ key: z.string().min(1).max(120) });

export const CsvQuery = AsOfQuery.extend({
  level: z.enum(LEVELS).optional(),
  key: z.string().min(1).max(120).optional(),
});

const AccuracyOut = z.object({
  weeks: z.number().int(),
  /** Null when same-day-last-week made no error in training (nothing to scale by). */
  mase: z.number().nullable(),
  seasonalNaiveMase: z.number().nullable(),
  /** 1 − MAE(chosen) / MAE(same day last week): "18 % better than same-day-last-week". */
  improvement: z.number(),
  /** The largest error of a week's total as a share of it: "within ±6 %". */
  worstWeek: z.number(),
  wape: z.number().nullable(),
  coverage80: z.number(),
});

const MethodOut = z.enum(METHODS).nullable();

const SeriesOut = z.object({
  key: z.string(),
  level: z.enum(LEVELS),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  category: z.string().nullable(),
  historyDays: z.number().int(),
  /** The sales measure's method and accuracy (the list shows those). */
  method: MethodOut,
  accuracy: AccuracyOut.nullable(),
  tooFewData: z.string().nullable(),
  /** Forecast sales over the first 7 days. */
  next7Minor: z.number(),
});

const RunRef = z.object({ id: z.string(), asOf: z.string(), horizon: z.number().int() });

export const SeriesListOut = z.object({ run: RunRef, currency: z.string(), items: z.array(SeriesOut), total: z.number().int() });

const Band = z.object({ mean: z.number(), lower80: z.number(), upper80: z.number(), lower95: z.number(), upper95: z.number() });

const MeasureOut = z.object({
  measure: z.enum(MEASURES),
  method: MethodOut,
  accuracy: AccuracyOut.nullable(),
  tooFewData: z.string().nullable(),
  /** Every method the backtest scored, best first. */
  scores: z.array(z.object({ method: z.enum(METHODS), mae: z.number().nullable(), mase: z.number().nullable(), wape: z.number().nullable(), worstWeek: z.number(), coverage80: z.number() })),
});

const DayOut = z.object({
  date: z.string(),
  /** Closed by the calendar: forecast as zero, left out of the scores. */
  closed: z.boolean(),
  /** What was sold, for days before today; null after. */
  actual: z.object({ sales: z.number(), receipts: z.number(), memberSales: z.number() }).nullable(),
  /** The forecast from the as-of date on; null before. */
  forecast: z.object({ sales: Band, receipts: Band, memberSales: Band }).nullable(),
});

export const SeriesDetailOut = SeriesOut.omit({ method: true, accuracy: true, tooFewData: true }).extend({
  run: RunRef,
  currency: z.string(),
  measures: z.array(MeasureOut),
  /** Eight weeks of actuals before the as-of date, then the forecast horizon (with actuals where they are known). */
  days: z.array(DayOut),
});
