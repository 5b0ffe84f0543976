import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useState } from 'react';
import { Bar, Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Notice, Pager, Select, TableWrap, useLoad } from '../ui/kit';
import { reasonWords, SEGMENT_KEYS } from '../ui/rhythm';
import { useAdmin } from './admin-context';
import type { BacktestOut, DiagnosticsOut, MembersOut, OverviewOut, ParetoOut, RunOut, RunsOut } from '../../../src/analytics/analytics.schemas';
import type { z } from 'zod';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

type Overview = z.infer<typeof OverviewOut>;
type Run = z.infer<typeof RunOut>;
type Members = z.infer<typeof MembersOut>;
type MemberScore = Members['items'][number];
type Fit = { status: string; reason?: string; params?: Record<string, number>; logLikelihood?: number; repeatBuyers?: number; model?: string };
type Holdout = { days: number; expected: number; actual: number; relativeError: number | null } | null;

const GREEN = '#0a6b4f';
const ORANGE = '#b45309';
const PAGE = 20;

/** Member analytics: the RFM heat map, the at-risk list, CLV, ABC and how good the models are, as of a run's date. */
export function Analytics() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const [asOf, setAsOf] = useState('');
  const [cell, setCell] = useState<{ r: number; f: number } | null>(null);
  const [version, setVersion] = useState(0);
  const [runError, setRunError] = useState<unknown>(null);
  const runs = useLoad((signal) => api<z.infer<typeof RunsOut>>('/v1/analytics/runs', { session: staffSession, signal }), [version]);
  const query = { asOf: asOf || undefined };
  const overview = useLoad((signal) => api<Overview>('/v1/analytics/overview', { session: staffSession, signal, query }), [asOf, version]);
  const pending = runs.data?.items.find((r) => r.status === 'queued' || r.status === 'running');
  const failed = runs.data?.items[0]?.status === 'failed' ? runs.data.items[0] : null;

  // While a run is queued or running, look again every two seconds.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), 2000);
    return () => clearTimeout(timer);
  }, [pending, runs.data]);

  async function runNow() {
    setRunError(null);
    try {
      await api<Run>('/v1/analytics/runs', { session: staffSession, body: asOf ? { asOf } : {} });
      setVersion((v) => v + 1);
    } catch (err) {
      setRunError(err);
    }
  }

  const done = (runs.data?.items ?? []).filter((r) => r.status === 'done');
  const dates = [...new Set(done.map((r) => r.asOf))];
  const o = overview.data;
  const noScores = overview.error && (overview.error as { code?: string }).code === 'NO_SCORES';
  const money = (minor: number) => formatMoney(minor, o?.currency ?? merchant.currency, locale);

  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between', alignItems: 'flex-end' }}>
        <h1>{t('analytics.title')}</h1>
        <div className="row">
          <Select className="period" label={t('analytics.asOf')} value={asOf} onChange={(e) => setAsOf(e.target.value)}>
            <option value="">{t('analytics.latest')}</option>
            {dates.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </Select>
          <button type="button" className="btn btn-primary" onClick={runNow} disabled={Boolean(pending)} data-testid="run-now">
            {t('analytics.runNow')}
          </button>
        </div>
      </div>
      <ErrorBanner error={runError ?? runs.error ?? (noScores ? null : overview.error)} />
      {pending && <Notice>{t('analytics.running')}</Notice>}
      {failed && <Notice kind="warn">{t('analytics.failed', { error: failed.error ?? '' })}</Notice>}
      {noScores && !pending && <Notice kind="warn">{t('analytics.noScores')}</Notice>}
      {o && (
        <>
          <p className="muted" data-testid="run-line">
            {t('analytics.runLine', { date: o.run.asOf, count: formatNumber(o.run.members, locale) })}
          </p>
          {o.tooFewData.length > 0 && (
            <Notice kind="warn">
              <strong>{t('analytics.tooFew')}</strong> {o.tooFewData.join(' · ')}
            </Notice>
          )}
          <div className="grid analytics-top">
            <Heatmap overview={o} onCell={(r, f) => setCell({ r, f })} selected={cell} />
            <Segments overview={o} money={money} />
          </div>
          {cell && <MemberList key={`${cell.r}-${cell.f}-${o.run.id}`} title={t('analytics.cellMembers', { r: cell.r, f: cell.f })} filter={{ r: cell.r, f: cell.f, sort: 'spend' }} asOf={o.run.asOf} money={money} testId="cell-members" />}
          <MemberList title={t('analytics.atRisk')} filter={{ minRisk: 50, sort: 'atStake' }} asOf={o.run.asOf} money={money} testId="at-risk" />
          <div className="grid">
            <ClvChart overview={o} money={money} />
            <Pareto asOf={o.run.asOf} money={money} />
          </div>
          <Diagnostics asOf={o.run.asOf} />
        </>
      )}
    </>
  );
}

function Heatmap({ overview, onCell, selected }: { overview: Overview; onCell: (r: number, f: number) => void; selected: { r: number; f: number } | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const max = Math.max(1, ...overview.grid.map((g) => g.members));
  const at = (r: number, f: number) => overview.grid.find((g) => g.r === r && g.f === f)?.members ?? 0;
  return (
    <section className="card">
      <h2>{t('analytics.heatmap')}</h2>
      <TableWrap label={t('analytics.heatmap')}>
        <table className="heatmap" data-testid="rfm-heatmap">
          <thead>
            <tr>
              <th scope="col">{t('analytics.rHeader')}</th>
              {[1, 2, 3, 4, 5].map((f) => (
                <th key={f} scope="col" className="num">
                  F{f}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[5, 4, 3, 2, 1].map((r) => (
              <tr key={r}>
                <th scope="row">R{r}</th>
                {[1, 2, 3, 4, 5].map((f) => {
                  const n = at(r, f);
                  const share = n / max;
                  // Light cells carry dark text, the busiest dark cells white text: both well above 4.5:1.
                  const dark = share > 0.5;
                  const lightness = dark ? Math.round(28 - 20 * (share - 0.5)) : Math.round(96 - 60 * share);
                  const active = selected?.r === r && selected.f === f;
                  return (
                    <td key={f}>
                      <button
                        type="button"
                        className={active ? 'cell active' : 'cell'}
                        style={{ background: `hsl(160 55% ${lightness}%)`, color: dark ? '#fff' : '#14211c' }}
                        aria-pressed={active}
                        aria-label={t('analytics.cellLabel', { r, f, count: formatNumber(n, locale) })}
                        onClick={() => onCell(r, f)}
                      >
                        {formatNumber(n, locale)}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p className="muted">{t('analytics.heatmapHint')}</p>
    </section>
  );
}

function Segments({ overview, money }: { overview: Overview; money: (m: number) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const moved = new Map<string, number>();
  for (const m of overview.movement?.moves ?? []) if (m.from !== m.to) moved.set(m.to, (moved.get(m.to) ?? 0) + m.members);
  return (
    <section className="card">
      <h2>{t('analytics.segments')}</h2>
      <TableWrap label={t('analytics.segments')}>
        <table data-testid="segments">
          <thead>
            <tr>
              <th>{t('analytics.segment')}</th>
              <th className="num">{t('analytics.membersCol')}</th>
              <th className="num">{t('analytics.spend')}</th>
              <th className="num">{t('analytics.spendShare')}</th>
              {overview.movement && <th className="num">{t('analytics.movedIn', { date: overview.movement.previousAsOf })}</th>}
            </tr>
          </thead>
          <tbody>
            {overview.segments.map((s) => (
              <tr key={s.segment}>
                <td>{t(`analytics.segmentNames.${SEGMENT_KEYS[s.segment]}`)}</td>
                <td className="num">{formatNumber(s.members, locale)}</td>
                <td className="num">{money(s.spendMinor)}</td>
                <td className="num">{formatPercent(s.spendShareBasisPoints / 10_000, locale)}</td>
                {overview.movement && <td className="num">{formatNumber(moved.get(s.segment) ?? 0, locale)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

function MemberList({ title, filter, asOf, money, testId }: { title: string; filter: Record<string, string | number>; asOf: string; money: (m: number) => string; testId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const list = useLoad((signal) => api<Members>('/v1/analytics/members', { session: staffSession, signal, query: { ...filter, asOf, limit: PAGE, offset } }), [asOf, offset, JSON.stringify(filter)]);
  async function download() {
    try {
      const csv = await api<string>('/v1/analytics/members.csv', { session: staffSession, query: { ...filter, asOf } });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `members-${asOf}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" data-testid={testId}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>{title}</h2>
        <button type="button" className="btn" onClick={download}>
          {t('analytics.csv')}
        </button>
      </div>
      <ErrorBanner error={error ?? list.error} />
      {list.data && (
        <>
          <TableWrap label={title}>
            <table>
              <thead>
                <tr>
                  <th>{t('common.name')}</th>
                  <th>{t('analytics.segment')}</th>
                  <th className="num">{t('analytics.risk')}</th>
                  <th>{t('analytics.reasonCol')}</th>
                  <th className="num">{t('analytics.atStake')}</th>
                  <th className="num">{t('analytics.spend')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((m: MemberScore) => (
                  <tr key={m.memberId}>
                    <td>
                      <Link to={`/admin/members/${m.memberId}`}>{m.name || m.memberNumber}</Link>
                    </td>
                    <td>{m.segment ? t(`analytics.segmentNames.${SEGMENT_KEYS[m.segment]}`) : '—'}</td>
                    <td className="num">{m.churnRisk ?? '—'}</td>
                    <td>{reasonWords(t, m.reason)}</td>
                    <td className="num">{m.atStakeMinor === null ? '—' : money(m.atStakeMinor)}</td>
                    <td className="num">{money(m.spendMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {list.data.items.length === 0 && <p className="muted">{t('analytics.noneHere')}</p>}
          <Pager offset={offset} limit={PAGE} total={list.data.total} onOffset={setOffset} label={title} />
          <p className="muted">{t('analytics.total', { count: formatNumber(list.data.total, locale) })}</p>
        </>
      )}
    </section>
  );
}

function ClvChart({ overview, money }: { overview: Overview; money: (m: number) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const clv = overview.clv;
  const months = Number(overview.run.settings.horizonMonths ?? 12);
  return (
    <section className="card">
      <h2>{t('analytics.clv', { months })}</h2>
      {clv ? (
        <>
          <div className="chart-box" data-testid="clv-chart">
            <Bar
              aria-label={t('analytics.clv', { months })}
              role="img"
              data={{
                labels: clv.buckets.map((b) => (b.toMinor === null ? `≥ ${money(b.fromMinor)}` : `${money(b.fromMinor)}–${money(b.toMinor)}`)),
                datasets: [{ label: t('analytics.membersCol'), data: clv.buckets.map((b) => b.members), backgroundColor: GREEN }],
              }}
              options={{ maintainAspectRatio: false, locale, plugins: { legend: { display: false } } }}
            />
          </div>
          <p className="muted">{t('analytics.clvPercentiles', { p50: money(clv.p50), p90: money(clv.p90), p99: money(clv.p99), total: money(clv.totalMinor) })}</p>
        </>
      ) : (
        <p className="muted">{t('analytics.clvNone')}</p>
      )}
    </section>
  );
}

function Pareto({ asOf, money }: { asOf: string; money: (m: number) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pareto = useLoad((signal) => api<z.infer<typeof ParetoOut>>('/v1/analytics/pareto', { session: staffSession, signal, query: { asOf } }), [asOf]);
  const p = pareto.data;
  return (
    <section className="card">
      <h2>{t('analytics.pareto')}</h2>
      <ErrorBanner error={pareto.error} />
      {p && (
        <>
          <div className="chart-box" data-testid="pareto-chart">
            <Line
              aria-label={t('analytics.pareto')}
              role="img"
              data={{
                labels: p.members.map((x) => `${x.topPercent} %`),
                datasets: [
                  { label: t('analytics.paretoMembers'), data: p.members.map((x) => x.spendShareBasisPoints / 100), borderColor: GREEN, backgroundColor: GREEN },
                  ...(p.products.length > 0
                    ? [{ label: t('analytics.paretoProducts'), data: p.products.map((x) => x.spendShareBasisPoints / 100), borderColor: ORANGE, backgroundColor: ORANGE }]
                    : []),
                ],
              }}
              options={{ maintainAspectRatio: false, locale, scales: { y: { min: 0, max: 100 } } }}
            />
          </div>
          <TableWrap label={t('analytics.abcClasses')}>
            <table data-testid="abc">
              <thead>
                <tr>
                  <th>{t('analytics.abcClass')}</th>
                  <th className="num">{t('analytics.paretoMembers')}</th>
                  <th className="num">{t('analytics.spend')}</th>
                  <th className="num">{t('analytics.paretoProducts')}</th>
                  <th className="num">{t('analytics.spend')}</th>
                </tr>
              </thead>
              <tbody>
                {(['A', 'B', 'C'] as const).map((c) => {
                  const m = p.classes.members.find((x) => x.class === c);
                  const pr = p.classes.products.find((x) => x.class === c);
                  return (
                    <tr key={c}>
                      <td>{c}</td>
                      <td className="num">{formatNumber(m?.count ?? 0, locale)}</td>
                      <td className="num">{money(m?.spendMinor ?? 0)}</td>
                      <td className="num">{formatNumber(pr?.count ?? 0, locale)}</td>
                      <td className="num">{money(pr?.spendMinor ?? 0)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}

function Diagnostics({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const diagnostics = useLoad((signal) => api<z.infer<typeof DiagnosticsOut>>('/v1/analytics/diagnostics', { session: staffSession, signal, query: { asOf } }), [asOf]);
  const days = Number(diagnostics.data?.settings.holdoutDays ?? 90);
  const backtest = useLoad((signal) => api<z.infer<typeof BacktestOut>>('/v1/analytics/backtest', { session: staffSession, signal, query: { asOf, days } }), [asOf, days]);
  const d = diagnostics.data?.diagnostics as { bgNbd?: Fit | null; gammaGamma?: Fit | null; holdout?: Holdout } | undefined;
  const num = (v: number | undefined, digits = 3) => (v === undefined ? '—' : v.toLocaleString(locale, { maximumSignificantDigits: digits }));
  const fit = (title: string, f: Fit | null | undefined, names: string[]) => (
    <div>
      <h3>{title}</h3>
      {f?.status === 'fitted' ? (
        <ul>
          <li>{names.map((n) => `${n} = ${num(f.params?.[n])}`).join(', ')}</li>
          <li>{t('analytics.logLikelihood', { value: num(f.logLikelihood, 6) })}</li>
          <li>{t('analytics.repeatBuyers', { count: formatNumber(f.repeatBuyers ?? 0, locale) })}</li>
          {f.model === 'nbd' && <li>{t('analytics.noDropOut')}</li>}
        </ul>
      ) : (
        <p className="muted">{f?.reason ?? '—'}</p>
      )}
    </div>
  );
  const b = backtest.data;
  const h = d?.holdout;
  return (
    <section className="card" data-testid="diagnostics">
      <h2>{t('analytics.diagnostics')}</h2>
      <ErrorBanner error={diagnostics.error} />
      {d && (
        <div className="grid">
          {fit(t('analytics.bgnbd'), d.bgNbd, ['r', 'alpha', 'a', 'b'])}
          {fit(t('analytics.gammaGamma'), d.gammaGamma, ['p', 'q', 'gamma'])}
          <div>
            <h3>{t('analytics.checks')}</h3>
            <ul>
              <li>{h ? t('analytics.holdout', { days: h.days, expected: formatNumber(Math.round(h.expected), locale), actual: formatNumber(h.actual, locale) }) : t('analytics.holdoutPending', { days })}</li>
              {b && (
                <li data-testid="backtest">
                  {b.aucChurnRisk === null
                    ? t('analytics.backtestNone')
                    : t(b.complete ? 'analytics.backtest' : 'analytics.backtestSoFar', { auc: num(b.aucChurnRisk, 2), recency: num(b.aucRecency ?? undefined, 2), days: b.days })}
                </li>
              )}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
