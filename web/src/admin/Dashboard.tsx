import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useState, type CSSProperties } from 'react';
import { Bar, Line } from 'react-chartjs-2';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { currencyDigits, formatDate, formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Select, TableWrap, useLoad } from '../ui/kit';
import { useAdmin } from './admin-context';
import { FirstRunChecklist } from './FirstRunChecklist';
import { useStores } from './Organisation';
import type { DashboardOut } from '../../../src/reports/reports.schemas';

// Only the parts of Chart.js the dashboard draws, so the bundle stays small.
ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

const GREEN = '#0a6b4f';
const GREY = '#8a9a93';
const ORANGE = '#b45309';

export function Dashboard() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const [days, setDays] = useState(30);
  const report = useLoad((signal) => api<DashboardOut>('/v1/reports/dashboard', { session: staffSession, signal, query: { days } }), [days]);
  const d = report.data;
  const money = (minor: number) => formatMoney(minor, d?.currency ?? merchant.currency, locale);
  const major = (minor: number) => minor / 10 ** currencyDigits(d?.currency ?? merchant.currency);
  const stores = useStores();
  const storeName = (id: string) => stores.data?.items.find((s) => s.id === id)?.name ?? id;
  // The charts follow the period: one bar per day up to a month, per week beyond.
  const buckets = d?.series.items ?? [];
  const labels = buckets.map((w) => formatDate(w.from, locale, merchant.timeZone));
  const daily = d?.series.bucketDays === 1;
  const rate = d && d.points.lifetimeEarned > 0 ? d.points.lifetimeRedeemed / d.points.lifetimeEarned : null;

  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('admin.nav.dashboard')}</h1>
        <Select className="period" label={t('dashboard.period')} value={String(days)} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 30, 90, 365].map((n) => (
            <option key={n} value={n}>
              {t('dashboard.lastDays', { count: n })}
            </option>
          ))}
        </Select>
      </div>
      <ErrorBanner error={report.error} />
      <FirstRunChecklist />
      <p className="card portal-link">
        {t('dashboard.portalLink')}{' '}
        <a href={`/portal/${merchant.id}`} data-testid="portal-link">{`${window.location.origin}/portal/${merchant.id}`}</a>
      </p>
      <FeedbackCases />
      {d && (
        <>
          <div className="grid kpis" data-testid="kpis">
            <Kpi label={t('dashboard.members')} value={formatNumber(d.members.total, locale)} />
            <Kpi label={t('dashboard.active30')} value={formatNumber(d.members.active30, locale)} />
            <Kpi label={t('dashboard.active90')} value={formatNumber(d.members.active90, locale)} />
            <Kpi label={t('dashboard.memberSales')} value={money(d.sales.memberMinor)} note={t('dashboard.receipts', { count: d.sales.memberCount })} />
            <Kpi label={t('dashboard.anonymousSales')} value={money(d.sales.anonymousMinor)} note={t('dashboard.receipts', { count: d.sales.anonymousCount })} />
            <Kpi label={t('dashboard.pointsIssued')} value={formatNumber(d.points.issued, locale)} />
            <Kpi label={t('dashboard.pointsRedeemed')} value={formatNumber(d.points.redeemed, locale)} />
            <Kpi label={t('dashboard.liability')} value={money(d.points.liabilityMinor)} note={t('dashboard.outstanding', { points: formatNumber(d.points.outstanding, locale) })} />
            <Kpi label={t('dashboard.redemptionRate')} value={rate === null ? '—' : formatPercent(rate, locale)} />
          </div>
          <div className="grid">
            <section className="card">
              <h2>{daily ? t('dashboard.newPerDay') : t('dashboard.newPerWeek')}</h2>
              <div className="chart-box" data-testid="chart-new" data-buckets={buckets.length}>
                <Bar
                  aria-label={daily ? t('dashboard.newPerDay') : t('dashboard.newPerWeek')}
                  role="img"
                  data={{ labels, datasets: [{ label: t('dashboard.newMembers'), data: buckets.map((w) => w.newMembers), backgroundColor: GREEN }] }}
                  options={{ maintainAspectRatio: false, locale, plugins: { legend: { display: false } } }}
                />
              </div>
            </section>
            <section className="card">
              <h2>{t('dashboard.salesSplit')}</h2>
              <div className="chart-box">
                <Bar
                  aria-label={t('dashboard.salesSplit')}
                  role="img"
                  data={{
                    labels,
                    datasets: [
                      { label: t('dashboard.memberSales'), data: buckets.map((w) => major(w.memberSalesMinor)), backgroundColor: GREEN },
                      { label: t('dashboard.anonymousSales'), data: buckets.map((w) => major(w.anonymousSalesMinor)), backgroundColor: GREY },
                    ],
                  }}
                  options={{ maintainAspectRatio: false, locale, scales: { x: { stacked: true }, y: { stacked: true } } }}
                />
              </div>
            </section>
            <section className="card">
              <h2>{t('dashboard.pointsFlow')}</h2>
              <div className="chart-box">
                <Line
                  aria-label={t('dashboard.pointsFlow')}
                  role="img"
                  data={{
                    labels,
                    datasets: [
                      { label: t('dashboard.pointsIssued'), data: buckets.map((w) => w.pointsIssued), borderColor: GREEN, backgroundColor: GREEN },
                      { label: t('dashboard.pointsRedeemed'), data: buckets.map((w) => w.pointsRedeemed), borderColor: ORANGE, backgroundColor: ORANGE },
                    ],
                  }}
                  options={{ maintainAspectRatio: false, locale }}
                />
              </div>
            </section>
          </div>
          <section className="card">
            <h2>{t('dashboard.byStore')}</h2>
            {d.stores.length === 0 ? (
              <p className="muted">{t('dashboard.noSales')}</p>
            ) : (
              <TableWrap label={t('dashboard.byStore')}>
                <table data-testid="by-store">
                  <thead>
                    <tr>
                      <th>{t('dashboard.store')}</th>
                      <th className="num">{t('dashboard.memberSales')}</th>
                      <th className="num">{t('dashboard.anonymousSales')}</th>
                      <th className="num">{t('dashboard.receiptsColumn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.stores.map((s) => (
                      <tr key={s.storeId}>
                        <td>{storeName(s.storeId)}</td>
                        <td className="num">{money(s.memberMinor)}</td>
                        <td className="num">{money(s.anonymousMinor)}</td>
                        <td className="num">{formatNumber(s.receipts, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** Unresolved and overdue feedback cases, a link to them: the owner sees what waits for an answer. */
function FeedbackCases() {
  const { t } = useTranslation();
  const locale = useLocale();
  const counts = useLoad((signal) => api<{ open: number; overdue: number }>('/v1/feedback/cases/counts', { session: staffSession, signal }), []);
  if (!counts.data || counts.data.open === 0) return null;
  return (
    <p className={`card${counts.data.overdue ? ' card-warn' : ''}`} data-testid="dashboard-cases">
      <Link to="/admin/feedback">
        {t('feedback.admin.dashboardCases')}: {formatNumber(counts.data.open, locale)}
      </Link>
      {counts.data.overdue > 0 && <strong> · {t('feedback.admin.dashboardOverdue', { count: counts.data.overdue })}</strong>}
    </p>
  );
}

function Kpi({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <section className={value.length > 12 ? 'card wide' : 'card'}>
      <div className="muted">{label}</div>
      <div className="kpi" data-testid="kpi-value" style={{ '--chars': value.length } as CSSProperties}>
        {value}
      </div>
      {note && <div className="muted">{note}</div>}
    </section>
  );
}
