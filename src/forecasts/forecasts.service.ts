import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { MerchantsService } from '../merchants';
import type { PurchaseFigures } from '../purchases';
import { openDays, type CalendarService } from './calendar.service';
import { dateOfDay, dayOfDate, localDate, offsetMinutes, startOfDate } from './days';
import { ForecastRun } from './forecast-run.entity';
import { ForecastedSeries } from './forecasted-series.entity';
import { MEASURES, parseSeriesKey, type Measure, type SeriesLevel } from './series-keys';

export interface ForecastsUses {
  merchants: MerchantsService;
  purchaseFigures: PurchaseFigures;
}

/** Weeks of actuals shown before the as-of date. */
const ACTUAL_WEEKS = 8;

export interface SeriesFilter {
  level?: SeriesLevel;
  storeId?: string;
  category?: string;
}

export type Band = { mean: number; lower80: number; upper80: number; lower95: number; upper95: number };
export type Figures = Record<Measure, number>;

/** Reading forecast runs and their series (the run itself is `ForecastRuns`). */
export class ForecastsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: ForecastsUses,
    private readonly calendars: CalendarService,
  ) {}

  async runs(merchantId: string): Promise<ForecastRun[]> {
    return this.deps.db.manager.find(ForecastRun, { where: { merchantId }, order: { createdAt: 'DESC' }, take: 20 });
  }

  async getRun(merchantId: string, runId: string): Promise<ForecastRun> {
    return found(await this.deps.db.manager.findOneBy(ForecastRun, { id: runId, merchantId }), 'forecast run');
  }

  /** The newest finished run (as of the date when given); a 404 that says how to make one when there is none. */
  async runAsOf(merchantId: string, asOf?: string): Promise<ForecastRun> {
    const run = await this.deps.db.manager.findOne(ForecastRun, { where: { merchantId, status: 'done', ...(asOf ? { asOf } : {}) }, order: { createdAt: 'DESC' } });
    if (!run) throw new AppError('NOT_FOUND', asOf ? `no finished forecast run as of ${asOf}: start one with POST /v1/forecasts/runs` : 'no finished forecast run yet: start one with POST /v1/forecasts/runs');
    return run;
  }

  /** A page of a run's series (their sales measure), by key. */
  async series(merchantId: string, asOf: string | undefined, filter: SeriesFilter, page: { limit: number; offset: number }): Promise<{ run: ForecastRun; items: ForecastedSeries[]; total: number }> {
    const run = await this.runAsOf(merchantId, asOf);
    const where = { runId: run.id, measure: 'sales' as const, ...filter };
    const [items, total] = await this.deps.db.manager.findAndCount(ForecastedSeries, { where, order: { seriesKey: 'ASC' }, take: page.limit, skip: page.offset });
    return { run, items, total };
  }

  /** A run's rows a page at a time, for the CSV export. */
  async *eachSeries(merchantId: string, asOf: string | undefined, filter: { level?: SeriesLevel; key?: string }): AsyncGenerator<{ run: ForecastRun; row: ForecastedSeries }> {
    const run = await this.runAsOf(merchantId, asOf);
    for (let offset = 0; ; offset += 300) {
      const rows = await this.deps.db.manager.find(ForecastedSeries, {
        where: { runId: run.id, ...(filter.level ? { level: filter.level } : {}), ...(filter.key ? { seriesKey: filter.key } : {}) },
        order: { seriesKey: 'ASC', measure: 'ASC' },
        take: 300,
        skip: offset,
      });
      for (const row of rows) yield { run, row };
      if (rows.length < 300) return;
    }
  }

  /** One series: its three measures, eight weeks of actuals before the as-of date and the forecast after it, with actuals where the days have passed. */
  async seriesDetail(merchantId: string, key: string, asOf: string | undefined, now = new Date()) {
    const id = parseSeriesKey(key);
    if (!id) throw new AppError('NOT_FOUND', 'forecast series not found');
    const run = await this.runAsOf(merchantId, asOf);
    const rows = await this.deps.db.manager.find(ForecastedSeries, { where: { runId: run.id, seriesKey: key } });
    if (rows.length === 0) throw new AppError('NOT_FOUND', `forecast series not found in the run as of ${run.asOf}`);
    const byMeasure = new Map(rows.map((r) => [r.measure, r]));
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const asOfDay = dayOfDate(run.asOf);
    const firstDay = asOfDay - ACTUAL_WEEKS * 7;
    const lastDay = asOfDay + run.horizon;
    const todayDay = dayOfDate(localDate(now, timeZone));
    const actualUntil = Math.min(lastDay, todayDay);
    const before = startOfDate(dateOfDay(actualUntil), timeZone);
    const sales = await this.use.purchaseFigures.dailySales(merchantId, {
      level: id.level,
      from: startOfDate(dateOfDay(firstDay), timeZone),
      before,
      offsetMinutes: offsetMinutes(before, timeZone),
      storeIds: id.storeId ? [id.storeId] : undefined,
      categories: id.category ? [id.category] : undefined,
    });
    const actualByDay = new Map(sales.map((s) => [s.day, { sales: s.amountMinor, receipts: s.receipts, memberSales: s.memberAmountMinor }]));
    const open = openDays(await this.calendars.calendar(merchantId), firstDay, lastDay - firstDay);
    const band = (measure: Measure, i: number): Band => {
      const f = byMeasure.get(measure)?.forecast;
      return { mean: f?.mean[i] ?? 0, lower80: f?.lower80[i] ?? 0, upper80: f?.upper80[i] ?? 0, lower95: f?.lower95[i] ?? 0, upper95: f?.upper95[i] ?? 0 };
    };
    const hasForecast = rows.some((r) => r.method !== null);
    const days = Array.from({ length: lastDay - firstDay }, (_, i) => {
      const day = firstDay + i;
      const ahead = day - asOfDay;
      return {
        date: dateOfDay(day),
        closed: !open[i],
        actual: day < actualUntil ? (actualByDay.get(day) ?? { sales: 0, receipts: 0, memberSales: 0 }) : null,
        forecast: ahead >= 0 && hasForecast ? { sales: band('sales', ahead), receipts: band('receipts', ahead), memberSales: band('memberSales', ahead) } : null,
      };
    });
    const sales0 = byMeasure.get('sales') ?? rows[0];
    return {
      run,
      row: sales0,
      measures: MEASURES.flatMap((measure) => {
        const r = byMeasure.get(measure);
        return r ? [{ measure, method: r.method, accuracy: r.accuracy, tooFewData: r.tooFewData, scores: r.scores }] : [];
      }),
      days,
    };
  }
}
