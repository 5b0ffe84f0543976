import { CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useState, type FormEvent } from 'react';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Notice, Pager, Select, TableWrap, useLoad } from '../ui/kit';
import { PAGE_SIZE, useAdmin, type Page } from './admin-context';
import { downloadCsv } from './download';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

type Band = 'promoter' | 'passive' | 'detractor';

interface Answer {
  id: string;
  storeName: string | null;
  scale: 'nps' | 'csat';
  score: number;
  band: Band;
  comment: string | null;
  complaint: boolean;
  answeredAt: string;
  purchasedAt: string;
}

interface CaseSummary {
  id: string;
  status: 'open' | 'in_progress' | 'resolved';
  reason: 'detractor' | 'complaint';
  assigneeId: string | null;
  dueAt: string;
  overdue: boolean;
  resolution: string | null;
  resolvedAt: string | null;
  resolutionSentVia: 'email' | 'sms' | null;
  answer: Answer;
}

interface CaseDetail extends CaseSummary {
  answer: Answer & { contact: string | null };
  purchase: { receiptNumber: string; occurredAt: string; totalMinor: number } | null;
  member: { name: string; memberNumber: string } | null;
  notes: { id: number; authorName: string; text: string; createdAt: string }[];
}

/** A staff account a case can be assigned to. */
interface Assignable {
  id: string;
  name: string;
  active: boolean;
}

interface ScoreRow {
  key: string;
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  score: number | null;
}

interface Scores {
  scale: 'nps' | 'csat';
  total: ScoreRow;
  byStore: (ScoreRow & { name: string })[];
  byWeek: (ScoreRow & { weekStart: string })[];
}

interface FollowUp {
  weeks: number;
  tooRecent: number;
  churnRun: { id: string; asOf: string } | null;
  bands: {
    band: Band;
    answers: number;
    visitsBefore: number;
    visitsAfter: number;
    spendBeforeMinor: number;
    spendAfterMinor: number;
    cameBack: number | null;
    churnRisk: number | null;
  }[];
}

interface Words {
  bands: { band: Band; comments: number; words: { word: string; comments: number }[] }[];
}

const EXPORTS = ['members', 'purchases', 'points-ledger', 'feedback'] as const;

/** Feedback: cases to follow up (overdue first), the inbox of answers, the figures, the question asked, and the CSV exports. */
export function Feedback() {
  const { t } = useTranslation();
  const { staff } = useAdmin();
  const [filter, setFilter] = useState<'unresolved' | 'overdue' | 'resolved'>('unresolved');
  const [offset, setOffset] = useState(0);
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const counts = useLoad((signal) => api<{ open: number; overdue: number }>('/v1/feedback/cases/counts', { session: staffSession, signal }), []);
  const query = filter === 'overdue' ? { overdue: true } : { status: filter };
  const cases = useLoad((signal) => api<Page<CaseSummary>>('/v1/feedback/cases', { session: staffSession, signal, query: { ...query, limit: PAGE_SIZE, offset } }), [filter, offset]);
  const locale = useLocale();
  // A shop has a few dozen staff at most: one page of 200 names them all.
  const people = useLoad((signal) => api<Page<Assignable>>('/v1/staff', { session: staffSession, signal, query: { limit: 200 } }), []);
  const nameOf = (id: string | null) => (id ? (people.data?.items.find((p) => p.id === id)?.name ?? '…') : '—');

  return (
    <>
      <h1>{t('feedback.admin.title')}</h1>
      <ErrorBanner error={error} />
      <div className="grid kpis">
        <section className="card" data-testid="cases-open">
          <div className="muted">{t('feedback.admin.openCases')}</div>
          <div className="kpi">{formatNumber(counts.data?.open ?? 0, locale)}</div>
        </section>
        <section className={`card${counts.data?.overdue ? ' card-warn' : ''}`} data-testid="cases-overdue">
          <div className="muted">{t('feedback.admin.overdueCases')}</div>
          <div className="kpi">{formatNumber(counts.data?.overdue ?? 0, locale)}</div>
        </section>
      </div>
      <section className="card">
        <h2 id="cases-title">{t('feedback.admin.cases')}</h2>
        <Select label={t('feedback.admin.show')} value={filter} onChange={(e) => { setFilter(e.target.value as typeof filter); setOffset(0); }}>
          <option value="unresolved">{t('feedback.admin.unresolved')}</option>
          <option value="overdue">{t('feedback.admin.overdue')}</option>
          <option value="resolved">{t('feedback.admin.resolved')}</option>
        </Select>
        {cases.data && cases.data.items.length === 0 ? (
          <p className="muted">{t('feedback.admin.noCases')}</p>
        ) : (
          <TableWrap label={t('feedback.admin.cases')}>
            <table data-testid="cases">
              <thead>
                <tr>
                  <th>{t('feedback.admin.due')}</th>
                  <th>{t('feedback.admin.score')}</th>
                  <th>{t('feedback.admin.comment')}</th>
                  <th>{t('feedback.admin.status')}</th>
                  <th>{t('feedback.admin.assignee')}</th>
                  <th><span className="sr-only">{t('feedback.admin.open')}</span></th>
                </tr>
              </thead>
              <tbody>
                {cases.data?.items.map((c) => (
                  <tr key={c.id} className={c.overdue ? 'row-warn' : undefined}>
                    <td>{formatDate(c.dueAt, locale)}{c.overdue ? ` · ${t('feedback.admin.overdue')}` : ''}</td>
                    <td>{c.answer.score}{c.reason === 'complaint' ? ` · ${t('feedback.admin.complaint')}` : ''}</td>
                    <td className="wrap">{c.answer.comment ?? '—'}</td>
                    <td>{t(`feedback.status.${c.status}`)}</td>
                    <td>{nameOf(c.assigneeId)}</td>
                    <td>
                      <button type="button" className="btn" onClick={() => setOpenCase(c.id)}>
                        {t('feedback.admin.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {cases.data && cases.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={cases.data.total} onOffset={setOffset} />}
      </section>
      {openCase && (
        <CaseView
          key={openCase}
          caseId={openCase}
          people={people.data?.items ?? []}
          onChanged={() => {
            cases.reload();
            counts.reload();
          }}
        />
      )}
      <Reports />
      <Inbox />
      {staff.role === 'owner' && (
        <section className="card">
          <h2 id="exports-title">{t('feedback.admin.exports')}</h2>
          <p className="muted">{t('feedback.admin.exportsHint')}</p>
          <div className="row">
            {EXPORTS.map((kind) => (
              <button key={kind} type="button" className="btn" onClick={() => downloadCsv(`/v1/exports/${kind}.csv`, `${kind}.csv`).catch(setError)}>
                {t(`feedback.export.${kind}`)}
              </button>
            ))}
          </div>
        </section>
      )}
      {staff.role === 'owner' && <Settings />}
    </>
  );
}

function CaseView({ caseId, people, onChanged }: { caseId: string; people: Assignable[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const path = `/v1/feedback/cases/${encodeURIComponent(caseId)}`;
  const loaded = useLoad((signal) => api<CaseDetail>(path, { session: staffSession, signal }), [path]);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const c = loaded.data;

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      loaded.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  async function addNote(e: FormEvent) {
    e.preventDefault();
    await act(() => api(`${path}/notes`, { session: staffSession, body: { text: note } }).then(() => setNote('')));
  }

  async function resolve(e: FormEvent) {
    e.preventDefault();
    await act(() => api(`${path}/resolve`, { session: staffSession, body: { message } }));
  }

  if (!c) return <ErrorBanner error={loaded.error} />;
  return (
    <section className="card stack" aria-labelledby="case-title" data-testid="case-view">
      <h2 id="case-title">{t('feedback.admin.caseTitle', { score: c.answer.score })}</h2>
      <ErrorBanner error={error} />
      <dl className="facts">
        <dt>{t('feedback.admin.status')}</dt>
        <dd>{t(`feedback.status.${c.status}`)}</dd>
        <dt>{t('feedback.admin.due')}</dt>
        <dd>{formatDateTime(c.dueAt, locale)}</dd>
        <dt>{t('feedback.admin.store')}</dt>
        <dd>{c.answer.storeName ?? '—'}</dd>
        <dt>{t('feedback.admin.purchase')}</dt>
        <dd>{c.purchase ? `${c.purchase.receiptNumber} · ${formatDateTime(c.purchase.occurredAt, locale)} · ${formatMoney(c.purchase.totalMinor, merchant.currency, locale)}` : '—'}</dd>
        <dt>{t('feedback.admin.shopper')}</dt>
        <dd>{c.member ? `${c.member.name} (${c.member.memberNumber})` : t('feedback.admin.anonymous')}</dd>
        <dt>{t('feedback.admin.contact')}</dt>
        <dd>{c.answer.contact ?? t('feedback.admin.noContact')}</dd>
      </dl>
      {c.answer.comment && <blockquote className="quote">{c.answer.comment}</blockquote>}
      <div className="row">
        <Select
          label={t('feedback.admin.assignee')}
          value={c.assigneeId ?? ''}
          disabled={c.status === 'resolved'}
          onChange={(e) => act(() => api(path, { session: staffSession, method: 'PATCH', body: { assigneeId: e.target.value || null } }))}
        >
          <option value="">{t('feedback.admin.nobody')}</option>
          {/* Disabled accounts cannot take a case, but one that already has it is still named. */}
          {people
            .filter((p) => p.active || p.id === c.assigneeId)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
        </Select>
      </div>
      {c.status === 'open' && (
        <div className="row">
          <button type="button" className="btn" onClick={() => act(() => api(path, { session: staffSession, method: 'PATCH', body: { status: 'in_progress' } }))}>
            {t('feedback.admin.takeIt')}
          </button>
        </div>
      )}
      <h3>{t('feedback.admin.notes')}</h3>
      {c.notes.length === 0 ? (
        <p className="muted">{t('feedback.admin.noNotes')}</p>
      ) : (
        <ul className="stack">
          {c.notes.map((n) => (
            <li key={n.id}>
              <strong>{n.authorName}</strong> · <span className="muted">{formatDateTime(n.createdAt, locale)}</span>
              <p className="prewrap">{n.text}</p>
            </li>
          ))}
        </ul>
      )}
      <form className="stack" onSubmit={addNote}>
        <label className="field">
          <span>{t('feedback.admin.newNote')}</span>
          <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" className="btn" disabled={!note.trim()}>
          {t('feedback.admin.addNote')}
        </button>
      </form>
      {c.status === 'resolved' ? (
        <Notice>
          {t('feedback.admin.resolvedWith', { when: formatDateTime(c.resolvedAt, locale) })} {c.resolution}{' '}
          {c.resolutionSentVia ? t('feedback.admin.sentBy', { via: c.resolutionSentVia }) : t('feedback.admin.onPageOnly')}
        </Notice>
      ) : (
        <form className="stack" onSubmit={resolve}>
          <label className="field">
            <span>{t('feedback.admin.resolution')}</span>
            <textarea value={message} maxLength={2000} rows={3} onChange={(e) => setMessage(e.target.value)} />
          </label>
          <p className="field-hint">
            <small>{c.answer.contact ? t('feedback.admin.resolutionHintSent') : t('feedback.admin.resolutionHintPage')}</small>
          </p>
          <button type="submit" className="btn btn-primary" disabled={!message.trim()}>
            {t('feedback.admin.resolve')}
          </button>
        </form>
      )}
    </section>
  );
}

function Reports() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const scores = useLoad((signal) => api<Scores>('/v1/feedback/reports/scores', { session: staffSession, signal, query: { weeks: 12 } }), []);
  const follow = useLoad((signal) => api<FollowUp>('/v1/feedback/reports/follow-up', { session: staffSession, signal }), []);
  const words = useLoad((signal) => api<Words>('/v1/feedback/reports/words', { session: staffSession, signal }), []);
  const s = scores.data;
  const figure = (v: number | null) => (v === null ? '—' : formatNumber(v, locale));
  const scaleName = s?.scale === 'csat' ? 'CSAT' : 'NPS';
  const money = (minor: number) => formatMoney(Math.round(minor), merchant.currency, locale);
  return (
    <>
      <section className="card">
        <h2 id="scores-title">{t('feedback.admin.scoresTitle', { scale: scaleName })}</h2>
        <ErrorBanner error={scores.error} />
        {s && (
          <>
            <p data-testid="score-total">
              <strong className="big">{figure(s.total.score)}</strong> {t('feedback.admin.fromAnswers', { count: s.total.answers })}
            </p>
            <div className="chart-box">
              <Line
                aria-label={t('feedback.admin.scoresTitle', { scale: scaleName })}
                role="img"
                data={{
                  labels: s.byWeek.map((w) => formatDate(w.weekStart, locale)),
                  datasets: [{ label: scaleName, data: s.byWeek.map((w) => w.score), borderColor: '#2f7d4f', backgroundColor: '#2f7d4f', spanGaps: true }],
                }}
                options={{ maintainAspectRatio: false, locale, plugins: { legend: { display: false } } }}
              />
            </div>
            <TableWrap label={t('feedback.admin.byStore')}>
              <table data-testid="scores-by-store">
                <thead>
                  <tr>
                    <th>{t('feedback.admin.store')}</th>
                    <th>{scaleName}</th>
                    <th>{t('feedback.admin.answers')}</th>
                    <th>{t('feedback.band.promoter')}</th>
                    <th>{t('feedback.band.passive')}</th>
                    <th>{t('feedback.band.detractor')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.byStore.map((r) => (
                    <tr key={r.key}>
                      <td>{r.name}</td>
                      <td>{figure(r.score)}</td>
                      <td>{formatNumber(r.answers, locale)}</td>
                      <td>{formatNumber(r.promoters, locale)}</td>
                      <td>{formatNumber(r.passives, locale)}</td>
                      <td>{formatNumber(r.detractors, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>
      <section className="card">
        <h2 id="follow-title">{t('feedback.admin.followTitle', { weeks: follow.data?.weeks ?? 4 })}</h2>
        <ErrorBanner error={follow.error} />
        {follow.data && (
          <>
            <TableWrap label={t('feedback.admin.followTitle', { weeks: follow.data.weeks })}>
              <table data-testid="follow-up">
                <thead>
                  <tr>
                    <th>{t('feedback.admin.band')}</th>
                    <th>{t('feedback.admin.answers')}</th>
                    <th>{t('feedback.admin.visitsBeforeAfter')}</th>
                    <th>{t('feedback.admin.spendBeforeAfter')}</th>
                    <th>{t('feedback.admin.cameBack')}</th>
                    <th>{t('feedback.admin.churnRisk')}</th>
                  </tr>
                </thead>
                <tbody>
                  {follow.data.bands.map((b) => (
                    <tr key={b.band}>
                      <td>{t(`feedback.band.${b.band}`)}</td>
                      <td>{formatNumber(b.answers, locale)}</td>
                      <td>{b.answers ? `${formatNumber(b.visitsBefore / b.answers, locale)} → ${formatNumber(b.visitsAfter / b.answers, locale)}` : '—'}</td>
                      <td>{b.answers ? `${money(b.spendBeforeMinor / b.answers)} → ${money(b.spendAfterMinor / b.answers)}` : '—'}</td>
                      <td>{b.cameBack === null ? '—' : formatPercent(b.cameBack, locale)}</td>
                      <td>{b.churnRisk === null ? '—' : formatNumber(b.churnRisk, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <p className="muted" data-testid="churn-run">
              {follow.data.churnRun ? t('feedback.admin.churnFrom', { date: formatDate(follow.data.churnRun.asOf, locale, 'UTC') }) : t('feedback.admin.churnNoRun')}
            </p>
            {follow.data.tooRecent > 0 && <p className="muted">{t('feedback.admin.tooRecent', { count: follow.data.tooRecent })}</p>}
          </>
        )}
      </section>
      <section className="card">
        <h2 id="words-title">{t('feedback.admin.wordsTitle')}</h2>
        <div className="grid">
          {words.data?.bands.map((b) => (
            <div key={b.band} data-testid={`words-${b.band}`}>
              <h3>{t(`feedback.band.${b.band}`)}</h3>
              {b.words.length === 0 ? (
                <p className="muted">{t('feedback.admin.noComments')}</p>
              ) : (
                <ol className="words">
                  {b.words.map((w) => (
                    <li key={w.word}>
                      {w.word} <span className="muted">× {formatNumber(w.comments, locale)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          ))}
        </div>
      </section>
    </>
  );
}

function Inbox() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [band, setBand] = useState<'' | Band>('');
  const [offset, setOffset] = useState(0);
  const inbox = useLoad((signal) => api<Page<Answer>>('/v1/feedback/answers', { session: staffSession, signal, query: { band: band || undefined, limit: PAGE_SIZE, offset } }), [band, offset]);
  return (
    <section className="card">
      <h2 id="inbox-title">{t('feedback.admin.inbox')}</h2>
      <Select label={t('feedback.admin.band')} value={band} onChange={(e) => { setBand(e.target.value as typeof band); setOffset(0); }}>
        <option value="">{t('feedback.admin.allBands')}</option>
        <option value="promoter">{t('feedback.band.promoter')}</option>
        <option value="passive">{t('feedback.band.passive')}</option>
        <option value="detractor">{t('feedback.band.detractor')}</option>
      </Select>
      <TableWrap label={t('feedback.admin.inbox')}>
        <table data-testid="inbox">
          <thead>
            <tr>
              <th>{t('feedback.admin.answered')}</th>
              <th>{t('feedback.admin.store')}</th>
              <th>{t('feedback.admin.score')}</th>
              <th>{t('feedback.admin.comment')}</th>
            </tr>
          </thead>
          <tbody>
            {inbox.data?.items.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.answeredAt, locale)}</td>
                <td>{a.storeName ?? '—'}</td>
                <td>{`${a.score} · ${t(`feedback.band.${a.band}`)}`}</td>
                <td className="wrap">{a.comment ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {inbox.data && inbox.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={inbox.data.total} onOffset={setOffset} />}
    </section>
  );
}

function Settings() {
  const { t } = useTranslation();
  const settings = useLoad((signal) => api<{ scale: 'nps' | 'csat'; caseDueDays: number }>('/v1/feedback/settings', { session: staffSession, signal }), []);
  const [error, setError] = useState<unknown>(null);
  async function change(scale: 'nps' | 'csat') {
    setError(null);
    try {
      await api('/v1/feedback/settings', { session: staffSession, method: 'PUT', body: { scale } });
      settings.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card">
      <h2 id="fb-settings-title">{t('feedback.admin.settings')}</h2>
      <ErrorBanner error={error} />
      {settings.data && (
        <Select label={t('feedback.admin.scale')} value={settings.data.scale} onChange={(e) => change(e.target.value as 'nps' | 'csat')}>
          <option value="nps">{t('feedback.admin.scaleNps')}</option>
          <option value="csat">{t('feedback.admin.scaleCsat')}</option>
        </Select>
      )}
    </section>
  );
}
