import { stringify } from 'csv-stringify/sync';
import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import type { MerchantsService } from '../merchants';
import type { CalendarService } from './calendar.service';
import { dateOfDay, dayOfDate } from './days';
import type { ForecastRun } from './forecast-run.entity';
import type { ForecastRuns } from './forecast-runs.service';
import type { ForecastedSeries } from './forecasted-series.entity';
import { AsOfQuery, CalendarInput, CalendarOut, CsvQuery, RunInput, RunOut, RunParams, RunsOut, SeriesDetailOut, SeriesListOut, SeriesListQuery, SeriesParams } from './forecasts.schemas';
import type { ForecastsService } from './forecasts.service';

const runView = (run: ForecastRun) => ({
  id: run.id,
  asOf: run.asOf,
  status: run.status,
  trigger: run.trigger,
  horizon: run.horizon,
  series: run.series,
  summary: run.summary,
  error: run.error,
  createdAt: run.createdAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
});
const runRef = (run: ForecastRun) => ({ id: run.id, asOf: run.asOf, horizon: run.horizon });

const seriesView = (row: ForecastedSeries, storeNames: Map<string, string>) => ({
  key: row.seriesKey,
  level: row.level,
  storeId: row.storeId,
  storeName: row.storeId ? (storeNames.get(row.storeId) ?? null) : null,
  category: row.category,
  historyDays: row.historyDays,
  method: row.method,
  accuracy: row.accuracy,
  tooFewData: row.tooFewData,
  next7Minor: row.forecast.mean.slice(0, 7).reduce((a, b) => a + b, 0),
});

const CSV_COLUMNS = ['series_key', 'level', 'store_id', 'category', 'measure', 'method', 'date', 'mean', 'lower80', 'upper80', 'lower95', 'upper95', 'mase', 'improvement', 'worst_week', 'too_few_data'];

/** Sales forecasts: the merchant calendar, runs as of a date, series with their forecast, intervals and accuracy, CSV (docs/forecasts.md). */
export function forecastsRoutes(api: Api<{ calendars: CalendarService; forecastRuns: ForecastRuns; forecasts: ForecastsService; merchants: MerchantsService }>): void {
  const { calendars, forecastRuns, forecasts, merchants } = api.services;
  const storeNames = async (merchantId: string) => new Map((await merchants.allStores(merchantId)).map((s) => [s.id, s.name]));

  route(api, {
    method: 'get',
    path: '/v1/forecasts/calendar',
    summary: 'The merchant calendar: weekdays and dates the shops are closed (left out of the backtests, forecast as zero)',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    response: CalendarOut,
    handler: async ({ principal }) => calendars.calendar(principal.merchantId),
  });

  route(api, {
    method: 'put',
    path: '/v1/forecasts/calendar',
    summary: 'Replace the merchant calendar; the next run uses it',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    body: CalendarInput,
    response: CalendarOut,
    handler: async ({ principal, body }) => calendars.setCalendar(principal.merchantId, body),
  });

  route(api, {
    method: 'post',
    path: '/v1/forecasts/runs',
    summary: 'Start a forecast run as of a date (default today; a past date backtests): every series, its method by backtest, forecast and accuracy',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    body: RunInput,
    response: RunOut,
    status: 202,
    handler: async ({ principal, body }) => runView(await forecastRuns.requestRun(principal.merchantId, body, 'request')),
  });

  route(api, {
    method: 'get',
    path: '/v1/forecasts/runs',
    summary: 'The merchant’s latest forecast runs, newest first',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    response: RunsOut,
    handler: async ({ principal }) => ({ items: (await forecasts.runs(principal.merchantId)).map(runView) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/forecasts/runs/:runId',
    summary: 'One forecast run (its status while it runs)',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    params: RunParams,
    response: RunOut,
    handler: async ({ principal, params }) => runView(await forecasts.getRun(principal.merchantId, params.runId)),
  });

  route(api, {
    method: 'get',
    path: '/v1/forecasts/series',
    summary: 'A run’s series (merchant, stores, categories, store × category) with the sales method, accuracy and next 7 days',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    query: SeriesListQuery,
    response: SeriesListOut,
    handler: async ({ principal, query }) => {
      const { asOf, limit, offset, ...filter } = query;
      const { run, items, total } = await forecasts.series(principal.merchantId, asOf, filter, { limit, offset });
      const names = await storeNames(principal.merchantId);
      const { currency } = await merchants.merchantSettings(principal.merchantId);
      return { run: runRef(run), currency, items: items.map((row) => seriesView(row, names)), total };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/forecasts/series.csv',
    summary: 'A run’s forecasts as CSV: one row per series, measure and day ahead, with the interval and the accuracy',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    query: CsvQuery,
    produces: 'text/csv',
    handler: async ({ principal, query, res }) => {
      let started = false;
      for await (const { run, row } of forecasts.eachSeries(principal.merchantId, query.asOf, { level: query.level, key: query.key })) {
        if (!started) {
          res.setHeader('Content-Disposition', `attachment; filename="forecasts-${run.asOf}.csv"`);
          res.type('text/csv');
          res.write(stringify([], { header: true, columns: CSV_COLUMNS }));
          started = true;
        }
        const asOfDay = dayOfDate(run.asOf);
        const f = row.forecast;
        const a = row.accuracy;
        const lines = f.mean.length
          ? f.mean.map((mean, i) => [row.seriesKey, row.level, row.storeId ?? '', row.category ?? '', row.measure, row.method ?? '', dateOfDay(asOfDay + i), mean, f.lower80[i], f.upper80[i], f.lower95[i], f.upper95[i], a?.mase ?? '', a?.improvement ?? '', a?.worstWeek ?? '', row.tooFewData ?? ''])
          : [[row.seriesKey, row.level, row.storeId ?? '', row.category ?? '', row.measure, '', '', '', '', '', '', '', '', '', '', row.tooFewData ?? '']];
        res.write(stringify(lines));
      }
      if (!started) res.type('text/csv').write(stringify([], { header: true, columns: CSV_COLUMNS }));
      res.end();
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/forecasts/series/:key',
    summary: 'One series: actuals of the eight weeks before the as-of date, the forecast with 80 % and 95 % intervals (and actuals where the days have passed), each measure’s method, accuracy and backtest scores',
    tag: 'forecasts',
    access: { staff: MANAGERS },
    params: SeriesParams,
    query: AsOfQuery,
    response: SeriesDetailOut,
    handler: async ({ principal, params, query }) => {
      const detail = await forecasts.seriesDetail(principal.merchantId, params.key, query.asOf);
      const names = await storeNames(principal.merchantId);
      const { currency } = await merchants.merchantSettings(principal.merchantId);
      const { method: _method, accuracy: _accuracy, tooFewData: _tooFewData, ...series } = seriesView(detail.row, names);
      return { ...series, run: runRef(detail.run), currency, measures: detail.measures, days: detail.days };
    },
  });
}
