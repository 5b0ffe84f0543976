import { CategoryScale, Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { Checkbox, ErrorBanner, Field, Notice, Pager, Select, TableWrap, useLoad } from '../ui/kit';
import type { CalendarOut, RunOut, RunsOut, SeriesDetailOut, SeriesListOut } from '../../../src/forecasts/forecasts.schemas';
import type { z } from 'zod';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Filler, Tooltip, Legend);

type Run = z.infer<typeof RunOut>;
type SeriesList = z.infer<typeof SeriesListOut>;
type Series = SeriesList['items'][number];
type Detail = z.infer<typeof SeriesDetailOut>;
type Accuracy = NonNullable<Series['accuracy']>;
type Calendar = z.infer<typeof CalendarOut>;
type Level = Series['level'];
type Measure = Detail['measures'][number]['measure'];

const LEVELS: Level[] = ['merchant', 'store', 'category', 'store-category'];
const MEASURES: Measure[] = ['sales', 'receipts', 'memberSales'];
const GREEN = '#0a6b4f';
const INK = '#14211c';
const PAGE = 20;

/** The key of a series, as the API names it (`src/forecasts/series-keys.ts`). */
function keyOf(storeId: string, category: string): string {
  const parts = [...(storeId ? [`store:${storeId}`] : []), ...(category ? [`category:${category}`] : [])];
  return parts.length ? parts.join(':') : 'merchant';
}

/** "within ±6 %; 18 % better than same-day-last-week" in the page's language. */
function useAccuracyWords() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (a: Accuracy | null, tooFewData: string | null) => {
    if (!a) return tooFewData ? t('forecasts.tooFewData') : '—';
    const better = a.improvement >= 0 ? t('forecasts.better', { share: formatPercent(a.improvement, locale) }) : t('forecasts.worse', { share: formatPercent(-a.improvement, locale) });
    return t('forecasts.accuracyLine', { weeks: a.weeks, within: formatPercent(a.worstWeek, locale), better });
  };
}

/** Sales forecasts: a series' actuals, forecast and intervals, how accurate each series has been, and the merchant calendar. */
export function Forecasts() {
  const { t } = useTranslation();
  const [asOf, setAsOf] = useState('');
  const [runAsOf, setRunAsOf] = useState('');
  const [version, setVersion] = useState(0);
  const [runError, setRunError] = useState<unknown>(null);
  const runs = useLoad((signal) => api<z.infer<typeof RunsOut>>('/v1/forecasts/runs', { session: staffSession, signal }), [version]);
  const pending = runs.data?.items.find((r) => r.status === 'queued' || r.status === 'running');
  const failed = runs.data?.items[0]?.status === 'failed' ? runs.data.items[0] : null;
  const done = (runs.data?.items ?? []).filter((r) => r.status === 'done');
  const dates = [...new Set(done.map((r) => r.asOf))];

  // While a run is queued or running, look again every two seconds.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), 2000);
    return () => clearTimeout(timer);
  }, [pending, runs.data]);

  async function runNow() {
    setRunError(null);
    try {
      await api<Run>('/v1/forecasts/runs', { session: staffSession, body: runAsOf ? { asOf: runAsOf } : {} });
      setVersion((v) => v + 1);
    } catch (err) {
      setRunError(err);
    }
  }

  return (
    <>
      <h1>{t('forecasts.title')}</h1>
      <section className="card">
        <div className="row forecast-run">
          <Select className="period" label={t('forecasts.asOf')} value={asOf} onChange={(e) => setAsOf(e.target.value)}>
            <option value="">{t('forecasts.latest')}</option>
            {dates.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </Select>
          <Field label={t('forecasts.runAsOf')} type="date" value={runAsOf} onChange={(e) => setRunAsOf(e.target.value)} hint={t('forecasts.runAsOfHint')} />
          <button type="button" className="btn btn-primary" onClick={runNow} disabled={Boolean(pending)} data-testid="run-now">
            {t('forecasts.runNow')}
          </button>
        </div>
        <ErrorBanner error={runError ?? runs.error} />
        {pending && <Notice>{t('forecasts.running')}</Notice>}
        {failed && <Notice kind="warn">{t('forecasts.failed', { error: failed.error ?? '' })}</Notice>}
      </section>
      {!pending && <SeriesView key={`${asOf}-${done[0]?.id ?? ''}`} asOf={asOf} />}
      <CalendarEditor />
    </>
  );
}

function SeriesView({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState<Level>('merchant');
  const [storeId, setStoreId] = useState('');
  const [category, setCategory] = useState('');
  const [measure, setMeasure] = useState<Measure>('sales');
  const query = { asOf: asOf || undefined, limit: 500 };
  const stores = useLoad((signal) => api<SeriesList>('/v1/forecasts/series', { session: staffSession, signal, query: { ...query, level: 'store' } }), [asOf]);
  const categories = useLoad((signal) => api<SeriesList>('/v1/forecasts/series', { session: staffSession, signal, query: { ...query, level: 'category' } }), [asOf]);
  const noRun = stores.error && (stores.error as { status?: number }).status === 404;
  const byStore = level === 'store' || level === 'store-category';
  const byCategory = level === 'category' || level === 'store-category';
  const store = byStore ? storeId || stores.data?.items[0]?.storeId || '' : '';
  const cat = byCategory ? category || categories.data?.items[0]?.category || '' : '';
  const ready = (!byStore || store) && (!byCategory || cat);
  const key = keyOf(store, cat);

  if (noRun) return <Notice kind="warn">{t('forecasts.noRun')}</Notice>;
  return (
    <>
      <ErrorBanner error={stores.error ?? categories.error} />
      <section className="card">
        <h2>{t('forecasts.pick')}</h2>
        <div className="row">
          <Select label={t('forecasts.level')} value={level} onChange={(e) => setLevel(e.target.value as Level)} data-testid="level">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`forecasts.levels.${l}`)}
              </option>
            ))}
          </Select>
          {byStore && (
            <Select label={t('forecasts.store')} value={store} onChange={(e) => setStoreId(e.target.value)}>
              {(stores.data?.items ?? []).map((s) => (
                <option key={s.key} value={s.storeId ?? ''}>
                  {s.storeName ?? s.storeId}
                </option>
              ))}
            </Select>
          )}
          {byCategory && (
            <Select label={t('forecasts.category')} value={cat} onChange={(e) => setCategory(e.target.value)}>
              {(categories.data?.items ?? []).map((s) => (
                <option key={s.key} value={s.category ?? ''}>
                  {s.category}
                </option>
              ))}
            </Select>
          )}
          <Select label={t('forecasts.measure')} value={measure} onChange={(e) => setMeasure(e.target.value as Measure)} data-testid="measure">
            {MEASURES.map((m) => (
              <option key={m} value={m}>
                {t(`forecasts.measures.${m}`)}
              </option>
            ))}
          </Select>
        </div>
      </section>
      {ready && <SeriesChart seriesKey={key} asOf={asOf} measure={measure} />}
      <AccuracyTable asOf={asOf} level={level} storeId={level === 'store-category' ? store : ''} />
    </>
  );
}

function SeriesChart({ seriesKey, asOf, measure }: { seriesKey: string; asOf: string; measure: Measure }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const words = useAccuracyWords();
  const [error, setError] = useState<unknown>(null);
  const detail = useLoad(
    (signal) => api<Detail>(`/v1/forecasts/series/${encodeURIComponent(seriesKey)}`, { session: staffSession, signal, query: { asOf: asOf || undefined } }),
    [seriesKey, asOf],
  );
  const d = detail.data;
  const m = d?.measures.find((x) => x.measure === measure);
  const value = (x: number) => (measure === 'receipts' ? formatNumber(Math.round(x), locale) : formatMoney(Math.round(x), d?.currency ?? 'USD', locale));
  const title = d ? [d.storeName, d.category].filter(Boolean).join(' · ') || t('forecasts.levels.merchant') : '';

  async function download() {
    try {
      const csv = await api<string>('/v1/forecasts/series.csv', { session: staffSession, query: { asOf: d?.run.asOf, key: seriesKey } });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `forecast-${d?.run.asOf ?? ''}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }

  const days = d?.days ?? [];
  const band = (k: 'lower95' | 'lower80' | 'upper80' | 'upper95' | 'mean') => days.map((x) => (x.forecast ? x.forecast[measure][k] : null));
  return (
    <section className="card" data-testid="forecast-chart">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>{t('forecasts.chartTitle', { series: title, measure: t(`forecasts.measures.${measure}`) })}</h2>
        <button type="button" className="btn" onClick={download}>
          {t('forecasts.csv')}
        </button>
      </div>
      <ErrorBanner error={error ?? detail.error} />
      {d && m && (
        <>
          <p data-testid="accuracy-line">
            <strong>{m.method ? t(`forecasts.methods.${m.method}`) : t('forecasts.noForecast')}</strong> — {words(m.accuracy, m.tooFewData)}
          </p>
          {m.tooFewData && <Notice kind="warn">{t('forecasts.tooFewDataLong', { detail: m.tooFewData })}</Notice>}
          <div className="chart-box" style={{ height: 320 }}>
            <Line
              aria-label={t('forecasts.chartLabel')}
              role="img"
              data={{
                labels: days.map((x) => x.date.slice(5)),
                datasets: [
                  { label: t('forecasts.band95'), data: band('lower95'), borderWidth: 0, pointRadius: 0, backgroundColor: 'transparent', fill: false },
                  { label: t('forecasts.band95'), data: band('upper95'), borderWidth: 0, pointRadius: 0, backgroundColor: 'rgba(10, 107, 79, 0.12)', fill: '-1' },
                  { label: t('forecasts.band80'), data: band('lower80'), borderWidth: 0, pointRadius: 0, backgroundColor: 'transparent', fill: false },
                  { label: t('forecasts.band80'), data: band('upper80'), borderWidth: 0, pointRadius: 0, backgroundColor: 'rgba(10, 107, 79, 0.25)', fill: '-1' },
                  { label: t('forecasts.forecast'), data: band('mean'), borderColor: GREEN, backgroundColor: GREEN, borderDash: [6, 4], pointRadius: 0 },
                  { label: t('forecasts.actual'), data: days.map((x) => (x.actual ? x.actual[measure] : null)), borderColor: INK, backgroundColor: INK, pointRadius: 1.5 },
                ],
              }}
              options={{
                maintainAspectRatio: false,
                locale,
                interaction: { mode: 'index', intersect: false },
                // The lower bounds are the bands' floors: one legend entry per band.
                plugins: { legend: { labels: { filter: (item) => item.datasetIndex !== 0 && item.datasetIndex !== 2 } } },
                scales: { y: { beginAtZero: true } },
              }}
            />
          </div>
          <details>
            <summary>{t('forecasts.asTable')}</summary>
            <TableWrap label={t('forecasts.asTable')}>
              <table data-testid="forecast-days">
                <thead>
                  <tr>
                    <th>{t('forecasts.date')}</th>
                    <th className="num">{t('forecasts.actual')}</th>
                    <th className="num">{t('forecasts.forecast')}</th>
                    <th className="num">{t('forecasts.band80')}</th>
                    <th className="num">{t('forecasts.band95')}</th>
                  </tr>
                </thead>
                <tbody>
                  {days
                    .filter((x) => x.forecast)
                    .map((x) => (
                      <tr key={x.date}>
                        <td>
                          {x.date}
                          {x.closed && ` (${t('forecasts.closed')})`}
                        </td>
                        <td className="num">{x.actual ? value(x.actual[measure]) : '—'}</td>
                        <td className="num">{value(x.forecast![measure].mean)}</td>
                        <td className="num">{`${value(x.forecast![measure].lower80)} – ${value(x.forecast![measure].upper80)}`}</td>
                        <td className="num">{`${value(x.forecast![measure].lower95)} – ${value(x.forecast![measure].upper95)}`}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </TableWrap>
          </details>
          <h3>{t('forecasts.measuresTitle')}</h3>
          <TableWrap label={t('forecasts.measuresTitle')}>
            <table data-testid="measure-accuracy">
              <thead>
                <tr>
                  <th>{t('forecasts.measure')}</th>
                  <th>{t('forecasts.method')}</th>
                  <th className="num">MASE</th>
                  <th className="num">{t('forecasts.naiveMase')}</th>
                  <th className="num">{t('forecasts.withinCol')}</th>
                  <th className="num">{t('forecasts.betterCol')}</th>
                  <th className="num">{t('forecasts.coverage')}</th>
                </tr>
              </thead>
              <tbody>
                {d.measures.map((x) => (
                  <tr key={x.measure}>
                    <td>{t(`forecasts.measures.${x.measure}`)}</td>
                    <td>{x.method ? t(`forecasts.methods.${x.method}`) : '—'}</td>
                    <td className="num">{x.accuracy?.mase === undefined || x.accuracy.mase === null ? '—' : formatNumber(Math.round(x.accuracy.mase * 100) / 100, locale)}</td>
                    <td className="num">{x.accuracy?.seasonalNaiveMase === undefined || x.accuracy.seasonalNaiveMase === null ? '—' : formatNumber(Math.round(x.accuracy.seasonalNaiveMase * 100) / 100, locale)}</td>
                    <td className="num">{x.accuracy ? `±${formatPercent(x.accuracy.worstWeek, locale)}` : '—'}</td>
                    <td className="num">{x.accuracy ? formatPercent(x.accuracy.improvement, locale) : '—'}</td>
                    <td className="num">{x.accuracy ? formatPercent(x.accuracy.coverage80, locale) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}

function AccuracyTable({ asOf, level, storeId }: { asOf: string; level: Level; storeId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const words = useAccuracyWords();
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    (signal) =>
      api<SeriesList>('/v1/forecasts/series', { session: staffSession, signal, query: { asOf: asOf || undefined, level, storeId: storeId || undefined, limit: PAGE, offset } }),
    [asOf, level, storeId, offset],
  );
  const title = t('forecasts.accuracyTitle', { level: t(`forecasts.levels.${level}`) });
  return (
    <section className="card" data-testid="accuracy-table">
      <h2>{title}</h2>
      <ErrorBanner error={list.error} />
      {list.data && (
        <>
          <TableWrap label={title}>
            <table>
              <thead>
                <tr>
                  <th>{t('forecasts.series')}</th>
                  <th>{t('forecasts.method')}</th>
                  <th>{t('forecasts.accuracy')}</th>
                  <th className="num">{t('forecasts.next7')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={s.key}>
                    <td>{[s.storeName, s.category].filter(Boolean).join(' · ') || t('forecasts.levels.merchant')}</td>
                    <td>{s.method ? t(`forecasts.methods.${s.method}`) : '—'}</td>
                    <td>{words(s.accuracy, s.tooFewData)}</td>
                    <td className="num">{formatMoney(s.next7Minor, list.data!.currency, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pager offset={offset} limit={PAGE} total={list.data.total} onOffset={setOffset} label={title} />
        </>
      )}
    </section>
  );
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

function CalendarEditor() {
  const { t } = useTranslation();
  const calendar = useLoad((signal) => api<Calendar>('/v1/forecasts/calendar', { session: staffSession, signal }), []);
  const [draft, setDraft] = useState<Calendar | null>(null);
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const c = draft ?? calendar.data;

  function change(next: Calendar) {
    setDraft(next);
    setSaved(false);
  }

  async function save() {
    if (!c) return;
    setError(null);
    try {
      const out = await api<Calendar>('/v1/forecasts/calendar', { method: 'PUT', session: staffSession, body: { closedWeekdays: c.closedWeekdays, closedDays: c.closedDays } });
      setDraft(out);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" data-testid="calendar">
      <h2>{t('forecasts.calendar')}</h2>
      <p className="muted">{t('forecasts.calendarHint')}</p>
      <ErrorBanner error={error ?? calendar.error} />
      {c && (
        <>
          <fieldset style={{ display: 'flex', flexWrap: 'wrap', gap: '0 1rem' }}>
            <legend>{t('forecasts.closedWeekdays')}</legend>
            {WEEKDAYS.map((w, i) => (
              <Checkbox
                key={w}
                label={t(`weekday.${w}`)}
                checked={c.closedWeekdays.includes(i + 1)}
                onChange={(on) => change({ ...c, closedWeekdays: on ? [...c.closedWeekdays, i + 1] : c.closedWeekdays.filter((x) => x !== i + 1) })}
              />
            ))}
          </fieldset>
          <h3>{t('forecasts.closedDays')}</h3>
          {c.closedDays.length === 0 ? (
            <p className="muted">{t('forecasts.noClosedDays')}</p>
          ) : (
            <ul style={{ listStyle: 'none', padding: 0 }}>
              {c.closedDays.map((d) => (
                <li key={d.date} className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
                  <span>
                    {d.date} {d.name}
                  </span>
                  <button type="button" className="linkish" onClick={() => change({ ...c, closedDays: c.closedDays.filter((x) => x.date !== d.date) })}>
                    {t('forecasts.remove', { date: d.date })}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            <Field label={t('forecasts.date')} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            <Field label={t('forecasts.closedName')} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
            <button
              type="button"
              className="btn"
              disabled={!date || c.closedDays.some((d) => d.date === date)}
              onClick={() => {
                change({ ...c, closedDays: [...c.closedDays, { date, name }].sort((x, y) => x.date.localeCompare(y.date)) });
                setDate('');
                setName('');
              }}
            >
              {t('forecasts.addDay')}
            </button>
          </div>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={save} data-testid="save-calendar">
              {t('forecasts.saveCalendar')}
            </button>
            {saved && <span role="status">{t('forecasts.calendarSaved')}</span>}
          </div>
        </>
      )}
    </section>
  );
}
