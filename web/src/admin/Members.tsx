import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, fieldErrors, newIdempotencyKey } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ConfirmButton, ErrorBanner, Field, Notice, Pager, SearchBox, TableWrap, useLoad } from '../ui/kit';
import { PAGE_SIZE, useAdmin, type Page } from './admin-context';
import type { EntryRow, PurchaseRow } from '../api/history-types';
import { AnalyticsPanel, CardsPanel, ConsentsPanel, ExpiryPanel, ProfileForm, TierPanel, type MemberCard } from './MemberPanels';

interface MemberRow {
  id: string;
  memberNumber: string;
  firstName: string;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  birthDate: string | null;
  status: 'active' | 'suspended' | 'closed';
  statusReason: string | null;
  enrolledAt: string;
  deletionRequestedAt: string | null;
  mergedIntoId: string | null;
}
interface Stats {
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  visits: number;
  spendMinor: number;
  averageBasketMinor: number;
  topCategories: string[];
}
interface ProfileOut {
  member: MemberRow;
  stats: Stats | null;
  completeness: { score: number; missing: string[] };
  consents: Parameters<typeof ConsentsPanel>[0]['consents'];
  cards: MemberCard[];
}

const fullName = (m: Pick<MemberRow, 'firstName' | 'lastName'>) => [m.firstName, m.lastName].filter(Boolean).join(' ');

export function Members() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    (signal) => api<Page<MemberRow>>('/v1/members', { session: staffSession, signal, query: { q, limit: PAGE_SIZE, offset } }),
    [q, offset],
  );
  return (
    <>
      <h1>{t('admin.nav.members')}</h1>
      <SearchBox
        value={q}
        label={t('members.search')}
        onSearch={(text) => {
          setQ(text);
          setOffset(0);
        }}
      />
      <ErrorBanner error={list.error} />
      <TableWrap label={t('admin.nav.members')}>
        <table>
          <thead>
            <tr>
              <th>{t('members.number')}</th>
              <th>{t('common.name')}</th>
              <th>{t('profile.phone')}</th>
              <th>{t('common.email')}</th>
              <th>{t('members.enrolled')}</th>
              <th>{t('common.status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((m) => (
              <tr key={m.id}>
                <td>
                  <Link to={`/admin/members/${m.id}`}>{m.memberNumber}</Link>
                </td>
                <td>{fullName(m)}</td>
                <td>{m.phone}</td>
                <td>{m.email}</td>
                <td>{formatDate(m.enrolledAt, locale)}</td>
                <td>
                  <span className={m.status === 'active' ? 'tag' : 'tag tag-danger'}>{t(`memberStatus.${m.status}`)}</span>
                  {m.deletionRequestedAt && <span className="tag tag-danger"> {t('members.deletionRequested')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onOffset={setOffset} />}
    </>
  );
}

export function MemberDetail() {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigate = useNavigate();
  const { merchant, staff } = useAdmin();
  const { memberId = '' } = useParams();
  const money = (m: number) => formatMoney(m, merchant.currency, locale);
  const profile = useLoad((signal) => api<ProfileOut>(`/v1/members/${memberId}`, { session: staffSession, signal }), [memberId]);
  const points = useLoad(
    (signal) => api<{ available: number; pending: number; expiringSoon: { points: number; expiresAt: string } | null }>(`/v1/members/${memberId}/points`, { session: staffSession, signal }),
    [memberId],
  );
  const entries = useLoad((signal) => api<{ items: EntryRow[] }>(`/v1/members/${memberId}/points/entries`, { session: staffSession, signal, query: { limit: 50 } }), [memberId]);
  const purchases = useLoad(
    (signal) => api<Page<PurchaseRow>>(`/v1/members/${memberId}/purchases`, { session: staffSession, signal, query: { limit: 20 } }),
    [memberId],
  );
  const changes = useLoad(
    (signal) =>
      api<{ items: { id: number; field: string; oldValue: string | null; newValue: string | null; actorKind: string; at: string }[] }>(`/v1/members/${memberId}/changes`, {
        session: staffSession,
        signal,
      }),
    [memberId],
  );
  const [adjust, setAdjust] = useState({ points: '', reason: '' });
  const [editing, setEditing] = useState(false);
  const [pointsVersion, setPointsVersion] = useState(0);
  const [mergeInto, setMergeInto] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fields = fieldErrors(error);
  const manager = staff.role === 'owner' || staff.role === 'manager';

  async function submitAdjust(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const n = Number(adjust.points);
    if (!Number.isInteger(n) || n === 0) {
      setError(new ApiError('VALIDATION_FAILED', t('members.adjustInvalid'), 400));
      return;
    }
    try {
      await api(`/v1/members/${memberId}/points/adjustments`, {
        session: staffSession,
        headers: { 'Idempotency-Key': newIdempotencyKey('adj') },
        body: { points: n, reason: adjust.reason.trim() },
      });
      setAdjust({ points: '', reason: '' });
      setDone(t('members.adjusted'));
      points.reload();
      entries.reload();
      setPointsVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  }

  async function merge() {
    setError(null);
    try {
      // The search box takes a member number; resolve it to the member id the API wants.
      const found = await api<Page<MemberRow>>('/v1/members', { session: staffSession, query: { q: mergeInto.trim(), limit: 2 } });
      const target = found.items.find((m) => m.memberNumber === mergeInto.trim() || m.id === mergeInto.trim());
      if (!target || target.id === memberId) throw new ApiError('MEMBER_NOT_FOUND', t('members.mergeTargetMissing'), 404);
      await api(`/v1/members/${memberId}/merge`, { session: staffSession, body: { intoMemberId: target.id } });
      navigate(`/admin/members/${target.id}`);
    } catch (err) {
      setError(err);
    }
  }

  async function setStatus(status: MemberRow['status']) {
    setError(null);
    try {
      await api(`/v1/members/${memberId}/status`, { session: staffSession, body: { status } });
      profile.reload();
    } catch (err) {
      setError(err);
    }
  }

  const m = profile.data?.member;
  return (
    <>
      <p>
        <Link to="/admin/members">← {t('admin.nav.members')}</Link>
      </p>
      <ErrorBanner error={error ?? profile.error} />
      {done && <Notice>{done}</Notice>}
      {m && (
        <>
          <h1>
            {fullName(m)} <span className="muted">#{m.memberNumber}</span>
          </h1>
          <div className="grid">
            <section className="card">
              <h2>{t('members.profile')}</h2>
              {editing ? (
                <ProfileForm
                  memberId={memberId}
                  profile={m}
                  onCancel={() => setEditing(false)}
                  onSaved={() => {
                    setEditing(false);
                    setDone(t('memberPage.profileSaved'));
                    profile.reload();
                    changes.reload();
                  }}
                />
              ) : (
                <>
                  <dl>
                    <dt>{t('profile.phone')}</dt>
                    <dd>{m.phone ?? '—'}</dd>
                    <dt>{t('common.email')}</dt>
                    <dd>{m.email ?? '—'}</dd>
                    <dt>{t('profile.birthDate')}</dt>
                    <dd>{m.birthDate ? formatDate(m.birthDate, locale) : '—'}</dd>
                    <dt>{t('common.status')}</dt>
                    <dd>{t(`memberStatus.${m.status}`)}</dd>
                  </dl>
                  {m.status !== 'closed' && (
                    <button type="button" className="btn" onClick={() => setEditing(true)}>
                      {t('memberPage.edit')}
                    </button>
                  )}
                </>
              )}
              <p className="muted">{t('members.completeness', { score: profile.data?.completeness.score ?? 0 })}</p>
              {manager && m.status === 'active' && (
                <ConfirmButton label={t('members.suspend')} question={t('members.suspendQuestion')} confirmLabel={t('members.suspend')} onConfirm={() => setStatus('suspended')} />
              )}
              {manager && m.status === 'suspended' && (
                <button type="button" className="btn" onClick={() => setStatus('active')}>
                  {t('members.reactivate')}
                </button>
              )}
            </section>
            <section className="card">
              <h2>{t('members.points')}</h2>
              {points.data ? (
                <>
                  <div className="kpi">{formatNumber(points.data.available, locale)}</div>
                  <p className="muted">
                    {t('points.pending')}: {formatNumber(points.data.pending, locale)}
                  </p>
                </>
              ) : (
                <ErrorBanner error={points.error} />
              )}
              {profile.data?.stats && (
                <p className="muted">
                  {t('members.statsLine', {
                    visits: profile.data.stats.visits,
                    spend: money(profile.data.stats.spendMinor),
                    avg: money(profile.data.stats.averageBasketMinor),
                  })}
                </p>
              )}
            </section>
            <TierPanel memberId={memberId} />
            {profile.data && <ConsentsPanel consents={profile.data.consents} />}
            <ExpiryPanel memberId={memberId} version={pointsVersion} />
            {manager && <AnalyticsPanel memberId={memberId} />}
          </div>
          {profile.data && <CardsPanel cards={profile.data.cards} manager={manager} onChanged={() => profile.reload()} />}
          {manager && (
          <section className="card">
            <h2>{t('members.adjust')}</h2>
            <form className="row" onSubmit={submitAdjust}>
              <Field
                label={t('members.adjustPoints')}
                value={adjust.points}
                onChange={(e) => setAdjust({ ...adjust, points: e.target.value.replace(/[^\d-]/g, '') })}
                inputMode="numeric"
                required
                hint={t('members.adjustHint')}
                error={fields.points}
              />
              <Field label={t('members.reason')} value={adjust.reason} onChange={(e) => setAdjust({ ...adjust, reason: e.target.value })} required error={fields.reason} />
              <button type="submit" className="btn btn-primary">
                {t('members.adjustSubmit')}
              </button>
            </form>
          </section>
          )}
          <h2>{t('members.history')}</h2>
          <ErrorBanner error={purchases.error} />
          <TableWrap label={t('members.history')}>
            <table>
              <thead>
                <tr>
                  <th>{t('common.date')}</th>
                  <th>{t('terminal.receiptNo')}</th>
                  <th className="num">{t('terminal.totalLabel')}</th>
                  <th className="num">{t('members.earned')}</th>
                  <th className="num">{t('members.redeemed')}</th>
                </tr>
              </thead>
              <tbody>
                {purchases.data?.items.map((p) => (
                  <tr key={p.id}>
                    <td>{formatDateTime(p.occurredAt, locale)}</td>
                    <td>
                      {p.receiptNumber} {p.status === 'voided' && <span className="tag tag-danger">{t('portal.voided')}</span>}
                    </td>
                    <td className="num">{money(p.totalMinor)}</td>
                    <td className="num">{formatNumber(p.pointsEarned, locale)}</td>
                    <td className="num">{formatNumber(p.pointsRedeemed, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <h2>{t('members.ledger')}</h2>
          <ErrorBanner error={entries.error} />
          <TableWrap label={t('members.ledger')}>
            <table>
              <thead>
                <tr>
                  <th>{t('common.date')}</th>
                  <th>{t('portal.entryType')}</th>
                  <th>{t('members.reason')}</th>
                  <th className="num">{t('portal.points')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data?.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.createdAt, locale)}</td>
                    <td>{t(`entryType.${e.kind}`, { defaultValue: e.kind })}</td>
                    <td>{e.reason ?? ''}</td>
                    <td className="num">{(e.points > 0 ? '+' : '') + formatNumber(e.points, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <h2>{t('profile.changes')}</h2>
          {changes.data?.items.length === 0 && <p className="muted">{t('profile.noChanges')}</p>}
          <ul>
            {changes.data?.items.map((c) => (
              <li key={c.id}>
                {formatDateTime(c.at, locale)} — {t(`profileField.${c.field}`, { defaultValue: c.field })}: {c.oldValue ?? '—'} → {c.newValue ?? '—'} (
                {t(`source.${c.actorKind}`, { defaultValue: c.actorKind })})
              </li>
            ))}
          </ul>
          {manager && m.status !== 'closed' && (
            <section className="card">
              <h2>{t('members.merge')}</h2>
              <p className="muted">{t('members.mergeHelp')}</p>
              <div className="row">
                <Field label={t('members.mergeInto')} value={mergeInto} onChange={(e) => setMergeInto(e.target.value)} />
                <ConfirmButton
                  label={t('members.merge')}
                  question={t('members.mergeQuestion', { from: m.memberNumber, into: mergeInto })}
                  confirmLabel={t('members.merge')}
                  onConfirm={merge}
                />
              </div>
            </section>
          )}
        </>
      )}
    </>
  );
}
