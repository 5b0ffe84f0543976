import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { useState, type FormEvent } from 'react';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDate, formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Field, Notice, Select, TableWrap, useLoad } from '../ui/kit';
import { useAdmin } from './admin-context';
import { SegmentBuilder, SegmentItem } from './SegmentBuilder';
import { downloadCsv } from './download';
import type { CampaignEstimateView, CampaignReportView, CampaignView } from '../../../src/campaigns/campaigns.schemas';
import type { ImportResultView as ImportResult } from '../../../src/imports/imports.schemas';
import type { SegmentOutView as SegmentView } from '../../../src/segments/segments.schemas';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

type Lift = NonNullable<CampaignReportView['spend']>;

/** Segments (static lists from a CSV file) and campaigns measured against a random holdout group. */
export function Campaigns() {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [changed, setChanged] = useState(0);
  const [report, setReport] = useState<string | null>(null);
  const segments = useLoad((signal) => api<{ items: SegmentView[] }>('/v1/segments', { session: staffSession, signal }), [changed]);
  const campaigns = useLoad((signal) => api<{ items: CampaignView[] }>('/v1/campaigns', { session: staffSession, signal }), [changed]);
  const refresh = () => setChanged((n) => n + 1);
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      refresh();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <h1>{t('admin.nav.campaigns')}</h1>
      <p>{t('campaigns.intro')}</p>
      <ErrorBanner error={error ?? segments.error ?? campaigns.error} />
      <Segments segments={segments.data?.items ?? []} onChange={refresh} />
      <SegmentBuilder onSaved={refresh} />
      <NewCampaign segments={segments.data?.items ?? []} onCreated={refresh} />
      <h2>{t('campaigns.list')}</h2>
      {campaigns.data && campaigns.data.items.length === 0 && <p>{t('campaigns.none')}</p>}
      {!!campaigns.data?.items.length && (
        <TableWrap label={t('campaigns.list')}>
          <table>
            <thead>
              <tr>
                <th>{t('campaigns.name')}</th>
                <th>{t('campaigns.status')}</th>
                <th>{t('campaigns.dates')}</th>
                <th>{t('campaigns.groups')}</th>
                <th>
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.data.items.map((c) => (
                <CampaignRow
                  key={c.id}
                  campaign={c}
                  onLaunch={() => act(() => api(`/v1/campaigns/${c.id}/launch`, { method: 'POST', session: staffSession }))}
                  onEnd={() => act(() => api(`/v1/campaigns/${c.id}/end`, { method: 'POST', session: staffSession }))}
                  onReport={() => setReport(c.id)}
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {report && <Report campaignId={report} />}
    </>
  );
}

function Segments({ segments, onChange }: { segments: SegmentView[]; onChange: () => void }) {
  const { t } = useTranslation();
  const { staff } = useAdmin();
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const segment = await api<SegmentView>('/v1/segments', { session: staffSession, body: { name } });
      setName('');
      setTarget(segment.id);
      onChange();
    } catch (err) {
      setError(err);
    }
  }

  async function upload(dryRun: boolean) {
    if (!file || !target) return;
    setError(null);
    try {
      setResult(await api<ImportResult>('/v1/imports/segment-members', { session: staffSession, text: { content: await file.text(), type: 'text/csv' }, query: { segmentId: target, dryRun } }));
      if (!dryRun) onChange();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="segments-title">
      <h2 id="segments-title">{t('campaigns.segments')}</h2>
      <ErrorBanner error={error} />
      {segments.length > 0 && (
        <ul data-testid="segments">
          {segments.map((s) => (
            <li key={s.id}>
              <SegmentItem segment={s} onChange={onChange} />
              {staff.role === 'owner' && (
                <>
                  {' '}
                  <button type="button" className="btn" onClick={() => downloadCsv(`/v1/exports/segment-members.csv?segmentId=${encodeURIComponent(s.id)}`, 'segment-members.csv').catch(setError)}>
                    {t('campaigns.download')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="row" onSubmit={create}>
        <Field label={t('campaigns.segmentName')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} error={fields.name} />
        <button type="submit" className="btn">
          {t('campaigns.createSegment')}
        </button>
      </form>
      <div className="row">
        <Select label={t('campaigns.segment')} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">—</option>
          {segments.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <div className="field">
          <label htmlFor="segment-file">{t('campaigns.file')}</label>
          <input id="segment-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <small className="field-hint">{t('campaigns.fileHint')}</small>
        </div>
        <button type="button" className="btn" disabled={!file || !target} onClick={() => void upload(true)}>
          {t('campaigns.check')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!file || !target} onClick={() => void upload(false)}>
          {t('campaigns.upload')}
        </button>
      </div>
      {result && (
        <Notice kind={result.failed ? 'warn' : 'ok'}>
          <span data-testid="segment-upload">{t(result.dryRun ? 'campaigns.checked' : 'campaigns.uploaded', { listed: result.created, failed: result.failed })}</span>
          {result.errors.slice(0, 5).map((e) => (
            <span key={`${e.row}-${e.field}`} className="block">
              {t('campaigns.rowError', { row: e.row, message: e.message })}
            </span>
          ))}
        </Notice>
      )}
    </section>
  );
}

function NewCampaign({ segments, onCreated }: { segments: SegmentView[]; onCreated: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: '', segmentId: '', holdoutPercent: '10', startsOn: '', endsOn: '', marginPercent: '30' });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      // Local midnight of the chosen days, in the browser's (the shop's) time zone.
      const instant = (day: string) => new Date(`${day}T00:00:00`).toISOString();
      await api<CampaignView>('/v1/campaigns', {
        session: staffSession,
        body: {
          name: form.name,
          segmentId: form.segmentId,
          holdoutPercent: Number(form.holdoutPercent),
          startsAt: form.startsOn ? instant(form.startsOn) : '',
          endsAt: form.endsOn ? instant(form.endsOn) : '',
          marginPercent: Number(form.marginPercent),
        },
      });
      setForm({ ...form, name: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card" onSubmit={create} aria-labelledby="new-campaign">
      <h2 id="new-campaign">{t('campaigns.new')}</h2>
      <ErrorBanner error={error} />
      <div className="row">
        <Field label={t('campaigns.name')} value={form.name} onChange={set('name')} required maxLength={200} error={fields.name} />
        <Select label={t('campaigns.segment')} value={form.segmentId} onChange={set('segmentId')} required error={fields.segmentId}>
          <option value="">—</option>
          {segments.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <Field label={t('campaigns.startsOn')} type="date" value={form.startsOn} onChange={set('startsOn')} required error={fields.startsAt} />
        <Field label={t('campaigns.endsOn')} type="date" value={form.endsOn} onChange={set('endsOn')} required error={fields.endsAt} />
        <Field label={t('campaigns.holdout')} inputMode="numeric" value={form.holdoutPercent} onChange={set('holdoutPercent')} hint={t('campaigns.holdoutHint')} error={fields.holdoutPercent} />
        <Field label={t('campaigns.margin')} inputMode="numeric" value={form.marginPercent} onChange={set('marginPercent')} error={fields.marginPercent} />
      </div>
      <button type="submit" className="btn btn-primary">
        {t('campaigns.create')}
      </button>
    </form>
  );
}

function CampaignRow({ campaign: c, onLaunch, onEnd, onReport }: { campaign: CampaignView; onLaunch: () => void; onEnd: () => void; onReport: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const [estimate, setEstimate] = useState<CampaignEstimateView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const check = async () => {
    try {
      setEstimate(await api<CampaignEstimateView>(`/v1/campaigns/${c.id}/estimate`, { session: staffSession }));
    } catch (err) {
      setError(err);
    }
  };
  const detectable = estimate?.detectableLift.relative;
  return (
    <tr>
      <td>{c.name}</td>
      {/* A launched campaign past its last day is over, though nobody ended it. */}
      <td>{t(`campaigns.statuses.${c.status === 'launched' && new Date(c.endsAt) <= new Date() ? 'ended' : c.status}`)}</td>
      <td>
        {formatDate(c.startsAt, locale, merchant.timeZone)} – {formatDate(c.endsAt, locale, merchant.timeZone)}
      </td>
      <td>{c.status === 'draft' ? '—' : t('campaigns.groupCounts', { treated: formatNumber(c.treatedCount, locale), holdout: formatNumber(c.holdoutCount, locale) })}</td>
      <td className="actions">
        <ErrorBanner error={error} />
        {c.status === 'draft' && (
          <>
            <button type="button" className="btn" onClick={() => void check()}>
              {t('campaigns.estimate')}
            </button>
            <button type="button" className="btn btn-primary" onClick={onLaunch}>
              {t('campaigns.launch')}
            </button>
          </>
        )}
        {c.status === 'launched' && new Date(c.endsAt) > new Date() && (
          <button type="button" className="btn" onClick={onEnd}>
            {t('campaigns.end')}
          </button>
        )}
        {c.status !== 'draft' && (
          <button type="button" className="btn" onClick={onReport}>
            {t('campaigns.report')}
          </button>
        )}
        {estimate && (
          <p className="block" data-testid="estimate">
            {t('campaigns.reach', { reach: formatNumber(estimate.reach, locale), holdout: formatNumber(estimate.holdout, locale) })}{' '}
            {detectable === null || detectable === undefined ? t('campaigns.cannotMeasure') : t('campaigns.detectable', { lift: formatPercent(detectable, locale) })}
            {estimate.tooSmall && <strong className="block">{t('campaigns.tooSmall')}</strong>}
          </p>
        )}
      </td>
    </tr>
  );
}

function Report({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const loaded = useLoad((signal) => api<CampaignReportView>(`/v1/campaigns/${campaignId}/report`, { session: staffSession, signal }), [campaignId]);
  const r = loaded.data;
  const money = (minor: number) => formatMoney(Math.round(minor), merchant.currency, locale);
  const metrics: [string, Lift | null, (n: number) => string][] = r
    ? [
        [t('campaigns.spend'), r.spend, money],
        [t('campaigns.visits'), r.visits, (n) => formatNumber(Math.round(n * 100) / 100, locale)],
        [t('campaigns.response'), r.response, (n) => formatPercent(n, locale)],
        [t('campaigns.spendAfter'), r.spendAfter, money],
      ]
    : [];
  const shown = metrics.filter(([, lift]) => lift?.relative);
  return (
    <section className="card" aria-labelledby="report-title" data-testid="campaign-report">
      <h2 id="report-title">{t('campaigns.report')}</h2>
      <ErrorBanner error={loaded.error} />
      {r && !r.enoughData && <Notice kind="warn">{r.message}</Notice>}
      {r?.enoughData && (
        <>
          <p>{t('campaigns.reportIntro', { treated: formatNumber(r.treatedMembers, locale), holdout: formatNumber(r.holdoutMembers, locale) })}</p>
          <TableWrap label={t('campaigns.liftPerMember')}>
            <table>
              <thead>
                <tr>
                  <th>{t('campaigns.measure')}</th>
                  <th>{t('campaigns.treated')}</th>
                  <th>{t('campaigns.heldOut')}</th>
                  <th>{t('campaigns.liftPerMember')}</th>
                  <th>{t('campaigns.verdict')}</th>
                </tr>
              </thead>
              <tbody>
                {metrics.map(([label, lift, format]) =>
                  lift ? (
                    <tr key={label}>
                      <td>{label}</td>
                      <td>{format(lift.treatedMean)}</td>
                      <td>{format(lift.holdoutMean)}</td>
                      <td>
                        {format(lift.perMember.estimate)} ({format(lift.perMember.low)} … {format(lift.perMember.high)})
                      </td>
                      <td data-testid={`verdict-${label}`}>{t(`campaigns.verdicts.${lift.verdict}`)}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          </TableWrap>
          {r.economics && (
            <p data-testid="economics">
              {t('campaigns.economics', {
                margin: money(r.economics.incrementalMargin.estimate),
                low: money(r.economics.incrementalMargin.low),
                high: money(r.economics.incrementalMargin.high),
              })}{' '}
              {t(`campaigns.verdicts.${r.economics.verdict}`)}
            </p>
          )}
          <div className="chart-box">
            <Bar
              aria-label={t('campaigns.chartLabel')}
              role="img"
              data={{
                labels: shown.map(([label]) => label),
                datasets: [{ label: t('campaigns.relativeLift'), data: shown.map(([, lift]) => [lift!.relative!.low * 100, lift!.relative!.high * 100]), backgroundColor: '#0a6b4f' }],
              }}
              options={{ indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { title: { display: true, text: t('campaigns.relativeLift') } } } }}
            />
          </div>
        </>
      )}
    </section>
  );
}
