import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import { enqueueInTransaction } from '../jobs/outbox';
import type { MerchantsService } from '../merchants';
import type { DailySales, PurchaseFigures } from '../purchases';
import { openDays, type CalendarService } from './calendar.service';
import { dateOfDay, dayOfDate, localDate, offsetMinutes, startOfDate } from './days';
import { ForecastRun, type RunSummary } from './forecast-run.entity';
import { ForecastedSeries } from './forecasted-series.entity';
import { DEFAULT_WINDOW, forecastSeries, type Accuracy } from './models/forecast-series';
import { WEEK, type Forecast } from './models/series';
import { MEASURES, seriesKey, type Measure, type SeriesLevel } from './series-keys';

export interface ForecastRunsUses {
  merchants: MerchantsService;
  purchaseFigures: PurchaseFigures;
}

export const RUN_JOB = 'forecasts.run';
/** Six weeks ahead: the rest of a month, or of the next, whatever day the run is on. */
export const HORIZON = 6 * WEEK;
/** Runs kept per merchant (older ones go with their series). */
const KEEP_RUNS = 14;
/** Stores read at once for the store level (store × category is read a store at a time); categories forecast per batch. */
const STORE_BATCH = 50;
const CATEGORY_BATCH = 100;
const WRITE_CHUNK = 100;

const EMPTY: Forecast = { mean: [], lower80: [], upper80: [], lower95: [], upper95: [] };

/** Money in minor units is kept whole, counts to a hundredth. */
const rounder = (measure: Measure) => (measure === 'receipts' ? (x: number) => Math.round(x * 100) / 100 : Math.round);
const round4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x);

function roundAccuracy(a: Accuracy | null): Accuracy | null {
  return a && { ...a, mase: round4(a.mase), seasonalNaiveMase: round4(a.seasonalNaiveMase), improvement: round4(a.improvement), worstWeek: round4(a.worstWeek), wape: round4(a.wape), coverage80: round4(a.coverage80) };
}

/** A series added up day by day from the series it sums. */
class DailySums {
  private readonly byDay = new Map<number, DailySales>();

  add(d: DailySales): void {
    const sum = this.byDay.get(d.day);
    if (!sum) this.byDay.set(d.day, { storeId: null, category: null, day: d.day, amountMinor: d.amountMinor, receipts: d.receipts, memberAmountMinor: d.memberAmountMinor });
    else {
      sum.amountMinor += d.amountMinor;
      sum.receipts += d.receipts;
      sum.memberAmountMinor += d.memberAmountMinor;
    }
  }

  /** The days in order, named as a merchant (null) or category series. */
  days(category: string | null): DailySales[] {
    return [...this.byDay.values()].sort((a, b) => a.day - b.day).map((d) => ({ ...d, category }));
  }
}

/**
 * Forecast runs (issue 11): for every series of the merchant's daily sales
 * (merchant, store, category, store × category; sales, receipts, sales to
 * members), the method of least MASE in the rolling-origin backtest, its
 * forecast with 80 % and 95 % intervals and its accuracy, as of any date.
 * Series are read and forecast a batch at a time (stores 50 at a time, then
 * a store's categories together), so memory holds one batch's history and the
 * running sums of the merchant and the categories, never all of it.
 */
export class ForecastRuns {
  constructor(
    private readonly deps: Deps,
    private readonly use: ForecastRunsUses,
    private readonly calendars: CalendarService,
  ) {}

  /** Queues a run as of a date (default today, merchant time). */
  async requestRun(merchantId: string, input: { asOf?: string }, trigger: 'nightly' | 'request', now = new Date()): Promise<ForecastRun> {
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const today = localDate(now, timeZone);
    const asOf = input.asOf ?? today;
    if (asOf > today) throw new AppError('VALIDATION_FAILED', 'asOf cannot be in the future', [{ path: 'asOf', message: `at most ${today}` }]);
    const run = Object.assign(new ForecastRun(), {
      id: newId(now.getTime()),
      merchantId,
      asOf,
      status: 'queued',
      trigger,
      horizon: HORIZON,
      series: 0,
      summary: null,
      error: null,
      createdAt: now,
      finishedAt: null,
    } satisfies ForecastRun);
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(ForecastRun, run);
      await enqueueInTransaction(tx, RUN_JOB, { runId: run.id }, { merchantId, now });
    });
    return run;
  }

  /** The nightly schedule: a run as of today for every merchant not suspended (each its own job, so workers share them). */
  async requestNightly(now = new Date()): Promise<number> {
    let queued = 0;
    for await (const merchantId of this.use.merchants.activeMerchantIds()) {
      await this.requestRun(merchantId, {}, 'nightly', now);
      queued++;
    }
    return queued;
  }

  /** Runs a queued run (the job). Idempotent: a finished run is left alone, an unfinished one starts over. */
  async run(runId: string): Promise<void> {
    const run = await this.deps.db.manager.findOneBy(ForecastRun, { id: runId });
    if (!run || run.status === 'done') return;
    await this.deps.db.autocommit((m) => m.update(ForecastRun, { id: run.id }, { status: 'running' }));
    try {
      await this.forecast(run);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.deps.db.autocommit((m) => m.update(ForecastRun, { id: run.id }, { status: 'failed', error: message.slice(0, 500), finishedAt: new Date() }));
      throw err;
    }
  }

  private async forecast(run: ForecastRun): Promise<void> {
    const db = this.deps.db;
    const { merchantId } = run;
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const asOfDay = dayOfDate(run.asOf);
    const fromDay = asOfDay - DEFAULT_WINDOW;
    const before = startOfDate(run.asOf, timeZone);
    const range = { from: startOfDate(dateOfDay(fromDay), timeZone), before, offsetMinutes: offsetMinutes(before, timeZone) };
    const open = openDays(await this.calendars.calendar(merchantId), fromDay, DEFAULT_WINDOW + run.horizon);
    await db.autocommit((m) => m.delete(ForecastedSeries, { runId: run.id }));

    const summary: RunSummary = { series: {}, tooFewData: 0, methods: {}, timings: {} };
    const timings = { read: 0, forecast: 0, write: 0 };
    const chunks = <T>(xs: T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
    const forecastBatch = async (level: SeriesLevel, sales: DailySales[]) => {
      let mark = Date.now();
      const rows: ForecastedSeries[] = [];
      for (const days of groupBySeries(sales.filter((d) => d.day >= fromDay && d.day < asOfDay))) {
        const series = this.forecastOne(run, level, days, fromDay, asOfDay, open);
        rows.push(...series);
        summary.series[level] = (summary.series[level] ?? 0) + 1;
        for (const row of series) {
          if (row.tooFewData) summary.tooFewData++;
          if (row.measure === 'sales') summary.methods[row.method ?? 'none'] = (summary.methods[row.method ?? 'none'] ?? 0) + 1;
        }
      }
      timings.forecast += Date.now() - mark;
      mark = Date.now();
      for (const chunk of chunks(rows, WRITE_CHUNK)) await db.autocommit((m) => m.insert(ForecastedSeries, chunk));
      timings.write += Date.now() - mark;
    };
    const read = async (level: 'store' | 'store-category', storeIds: string[]) => {
      const mark = Date.now();
      const sales = await this.use.purchaseFigures.dailySales(merchantId, { level, ...range, storeIds });
      timings.read += Date.now() - mark;
      return sales;
    };

    // The merchant is the sum of its stores, a category the sum of its stores' categories (a
    // receipt is in one store): both are added up from the store batches instead of read again.
    const merchant = new DailySums();
    const categories = new Map<string, DailySums>();
    const storeIds = await this.use.purchaseFigures.salesStores(merchantId, range.from, before);
    for (const ids of chunks(storeIds, STORE_BATCH)) {
      const sales = await read('store', ids);
      for (const d of sales) merchant.add(d);
      await forecastBatch('store', sales);
    }
    for (const id of storeIds) {
      const sales = await read('store-category', [id]);
      for (const d of sales) {
        const sums = categories.get(d.category!) ?? new DailySums();
        sums.add(d);
        categories.set(d.category!, sums);
      }
      await forecastBatch('store-category', sales);
    }
    await forecastBatch('merchant', merchant.days(null));
    const names = [...categories.keys()].sort();
    for (const names100 of chunks(names, CATEGORY_BATCH)) await forecastBatch('category', names100.flatMap((name) => categories.get(name)!.days(name)));
    summary.timings = { read: timings.read / 1000, forecast: timings.forecast / 1000, write: timings.write / 1000 };
    const total = Object.values(summary.series).reduce((a, b) => a + b, 0);
    await db.autocommit((m) => m.update(ForecastRun, { id: run.id }, { status: 'done', series: total, summary, finishedAt: new Date() }));
    await this.prune(merchantId);
  }

  /** One series' three measures: the history from its first sale to the day before the as-of date, then the forecast. */
  private forecastOne(run: ForecastRun, level: SeriesLevel, days: DailySales[], fromDay: number, asOfDay: number, open: boolean[]): ForecastedSeries[] {
    const { storeId, category } = days[0];
    const firstDay = days[0].day;
    const n = asOfDay - firstDay;
    const values: Record<Measure, number[]> = { sales: new Array<number>(n).fill(0), receipts: new Array<number>(n).fill(0), memberSales: new Array<number>(n).fill(0) };
    for (const d of days) {
      values.sales[d.day - firstDay] = d.amountMinor;
      values.receipts[d.day - firstDay] = d.receipts;
      values.memberSales[d.day - firstDay] = d.memberAmountMinor;
    }
    const openHere = open.slice(firstDay - fromDay);
    return MEASURES.map((measure) => {
      const result = forecastSeries(values[measure], { horizon: run.horizon, open: openHere, refit: false });
      const round = rounder(measure);
      const forecast = result
        ? { mean: result.mean.map(round), lower80: result.lower80.map(round), upper80: result.upper80.map(round), lower95: result.lower95.map(round), upper95: result.upper95.map(round) }
        : EMPTY;
      return Object.assign(new ForecastedSeries(), {
        runId: run.id,
        seriesKey: seriesKey({ storeId, category }),
        measure,
        merchantId: run.merchantId,
        level,
        storeId,
        category,
        method: result?.method ?? null,
        firstDay,
        historyDays: n,
        forecast,
        accuracy: roundAccuracy(result?.accuracy ?? null),
        scores: (result?.scores ?? []).map((s) => ({ ...s, mae: round4(s.mae), mase: round4(s.mase), wape: round4(s.wape), worstWeek: round4(s.worstWeek), coverage80: round4(s.coverage80) })),
        tooFewData: result ? result.tooFewData : `${n} days of sales before ${run.asOf}: a forecast needs at least a week`,
      } satisfies ForecastedSeries);
    });
  }

  private async prune(merchantId: string): Promise<void> {
    const m = this.deps.db.manager;
    const old: { id: string }[] = await m.query(`SELECT id FROM forecast_runs WHERE merchant_id = ? ORDER BY created_at DESC LIMIT 1000 OFFSET ${KEEP_RUNS}`, [merchantId]);
    for (const { id } of old) {
      await this.deps.db.transaction(async (tx) => {
        await tx.delete(ForecastedSeries, { runId: id });
        await tx.delete(ForecastRun, { id });
      });
    }
  }
}

/** Splits rows ordered by store, category and day into one list per series. */
function* groupBySeries(rows: DailySales[]): Generator<DailySales[]> {
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i].storeId !== rows[start].storeId || rows[i].category !== rows[start].category) {
      if (i > start) yield rows.slice(start, i);
      start = i;
    }
  }
}
