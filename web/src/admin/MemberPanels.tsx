import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDate, formatMoney, formatNumber, formatPercent } from '../format';
import { useLocale } from '../i18n';
import { ConfirmButton, ErrorBanner, Field, Notice, useLoad } from '../ui/kit';
import { reasonWords, SEGMENT_KEYS } from '../ui/rhythm';
import { useAdmin } from './admin-context';

/** The member fields staff edit (the API's MemberPatch). */
export interface EditableProfile {
  firstName: string;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  birthDate: string | null;
}

export interface MemberCard {
  id: string;
  number: string;
  kind: string;
  status: string;
  issuedAt: string | null;
}

interface TierProgress {
  tier: { code: string; name: string } | null;
  next: { code: string; name: string; remaining: number; unit: 'spend_minor' | 'points' } | null;
}

type Consent = { granted: boolean; source: string; at: string } | null;
interface CurrentConsents {
  marketingEmail: Consent;
  marketingSms: Consent;
  profiling: Consent;
}

/** The profile as a form: only changed fields are sent, an emptied optional field is cleared. */
export function ProfileForm({ memberId, profile, onSaved, onCancel }: { memberId: string; profile: EditableProfile; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    firstName: profile.firstName,
    lastName: profile.lastName ?? '',
    phone: profile.phone ?? '',
    email: profile.email ?? '',
    birthDate: profile.birthDate ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const patch: Record<string, string | null> = {};
    for (const key of Object.keys(form) as (keyof typeof form)[]) {
      const value = form[key].trim();
      const before = profile[key] ?? '';
      if (value !== before) patch[key] = key === 'firstName' || value !== '' ? value : null;
    }
    try {
      if (Object.keys(patch).length > 0) await api(`/v1/members/${memberId}`, { method: 'PATCH', session: staffSession, body: patch });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="stack" onSubmit={save} aria-label={t('memberPage.edit')}>
      <ErrorBanner error={error} />
      <Field label={t('profile.firstName')} value={form.firstName} onChange={set('firstName')} required maxLength={100} error={fields.firstName} />
      <Field label={t('profile.lastName')} value={form.lastName} onChange={set('lastName')} maxLength={100} error={fields.lastName} />
      <Field label={t('profile.phone')} value={form.phone} onChange={set('phone')} type="tel" autoComplete="off" maxLength={32} error={fields.phone} />
      <Field label={t('common.email')} value={form.email} onChange={set('email')} type="email" autoComplete="off" maxLength={254} error={fields.email} />
      <Field label={t('profile.birthDate')} value={form.birthDate} onChange={set('birthDate')} type="date" error={fields.birthDate} />
      <div className="row">
        <button type="submit" className="btn btn-primary">
          {t('memberPage.saveProfile')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The member's tier and what is still needed for the next one. */
export function TierPanel({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const tier = useLoad((signal) => api<TierProgress>(`/v1/members/${memberId}/tier`, { session: staffSession, signal }), [memberId]);
  const d = tier.data;
  return (
    <section className="card" aria-labelledby="member-tier">
      <h2 id="member-tier">{t('memberPage.tier')}</h2>
      <ErrorBanner error={tier.error} />
      {d && <p className="kpi kpi-text" data-testid="member-tier">{d.tier?.name ?? t('memberPage.noTier')}</p>}
      {d?.next && (
        <p className="muted">
          {d.next.unit === 'spend_minor'
            ? t('memberPage.nextTierSpend', { amount: formatMoney(d.next.remaining, merchant.currency, locale), tier: d.next.name })
            : t('memberPage.nextTierPoints', { points: formatNumber(d.next.remaining, locale), tier: d.next.name })}
        </p>
      )}
    </section>
  );
}

/** What the member agreed to, and when. Changing consents is the member's own act (portal or till). */
export function ConsentsPanel({ consents }: { consents: CurrentConsents }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="member-consents">
      <h2 id="member-consents">{t('consents.title')}</h2>
      <dl data-testid="member-consents">
        {(['marketingEmail', 'marketingSms', 'profiling'] as const).map((kind) => {
          const c = consents[kind];
          return (
            <div key={kind}>
              <dt>{t(`consents.${kind}`)}</dt>
              <dd>{c ? `${c.granted ? t('consents.granted') : t('consents.withdrawn')} · ${formatDate(c.at, locale)}` : t('memberPage.consentNotAsked')}</dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

/** When the member's points expire, per date. */
export function ExpiryPanel({ memberId, version }: { memberId: string; version: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const schedule = useLoad(
    (signal) =>
      api<{ items: { expiresAt: string; points: number; pending: number }[]; neverExpire: number }>(`/v1/members/${memberId}/points/expiry`, { session: staffSession, signal }),
    [memberId, version],
  );
  const d = schedule.data;
  return (
    <section className="card" aria-labelledby="member-expiry">
      <h2 id="member-expiry">{t('memberPage.expiry')}</h2>
      <ErrorBanner error={schedule.error} />
      {d && d.items.length === 0 && <p className="muted">{t('memberPage.expiryNone')}</p>}
      {d && d.items.length > 0 && (
        <table data-testid="member-expiry">
          <thead>
            <tr>
              <th>{t('memberPage.expiresOn')}</th>
              <th className="num">{t('portal.points')}</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={i.expiresAt}>
                <td>{formatDate(i.expiresAt, locale, merchant.timeZone)}</td>
                <td className="num">
                  {formatNumber(i.points, locale)}
                  {i.pending > 0 && <span className="muted"> ({t('memberPage.pendingOf', { points: formatNumber(i.pending, locale) })})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d && d.neverExpire > 0 && <p className="muted">{t('memberPage.neverExpire', { points: formatNumber(d.neverExpire, locale) })}</p>}
    </section>
  );
}

/** The member's cards: block, mark lost, unblock (managers) and replace, through /v1/cards/{id}/…. */
export function CardsPanel({ cards, manager, onChanged }: { cards: MemberCard[]; manager: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<string | null>(null);
  const [printed, setPrinted] = useState('');
  const fields = fieldErrors(error);

  async function act(card: MemberCard, action: 'block' | 'lost' | 'unblock', message: string) {
    setError(null);
    setDone(null);
    try {
      await api(`/v1/cards/${card.id}/${action}`, { session: staffSession, body: {} });
      setDone(message);
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  async function replace(e: FormEvent, card: MemberCard) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const code = printed.replace(/\s/g, '');
      const res = await api<{ card: MemberCard }>(`/v1/cards/${card.id}/replace`, { session: staffSession, body: code ? { cardCode: code } : {} });
      setDone(t('memberPage.replaced', { number: res.card.number }));
      setReplacing(null);
      setPrinted('');
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="member-cards">
      <h2 id="member-cards">{t('members.cards')}</h2>
      <ErrorBanner error={error} />
      {done && <Notice>{done}</Notice>}
      <ul className="plain">
        {cards.map((c) => (
          <li key={c.id} data-testid={`card-${c.number}`} className="stack">
            <div>
              <code>{c.number}</code> <span className={c.status === 'active' ? 'tag' : 'tag tag-danger'}>{t(`cardStatus.${c.status}`, { defaultValue: c.status })}</span>{' '}
              <span className="muted">{t(`cardKind.${c.kind}`, { defaultValue: c.kind })}</span>
            </div>
            <div className="row">
              {(c.status === 'active' || c.status === 'lost') && (
                <ConfirmButton
                  label={t('memberPage.block')}
                  question={t('memberPage.blockQuestion', { number: c.number })}
                  confirmLabel={t('memberPage.block')}
                  onConfirm={() => act(c, 'block', t('memberPage.blocked'))}
                />
              )}
              {(c.status === 'active' || c.status === 'blocked') && (
                <ConfirmButton
                  label={t('memberPage.lost')}
                  question={t('memberPage.lostQuestion', { number: c.number })}
                  confirmLabel={t('memberPage.lost')}
                  onConfirm={() => act(c, 'lost', t('memberPage.markedLost'))}
                />
              )}
              {manager && (c.status === 'blocked' || c.status === 'lost') && (
                <button type="button" className="btn" onClick={() => act(c, 'unblock', t('memberPage.unblocked'))}>
                  {t('memberPage.unblock')}
                </button>
              )}
              {c.status !== 'replaced' && c.status !== 'unassigned' && replacing !== c.id && (
                <button type="button" className="btn" onClick={() => setReplacing(c.id)}>
                  {t('memberPage.replace')}
                </button>
              )}
            </div>
            {replacing === c.id && (
              <form className="row" onSubmit={(e) => replace(e, c)} aria-label={t('memberPage.replace')}>
                <Field
                  label={t('memberPage.replaceWith')}
                  hint={t('memberPage.replaceHint')}
                  value={printed}
                  onChange={(e) => setPrinted(e.target.value)}
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={32}
                  error={fields.cardCode}
                />
                <button type="submit" className="btn btn-primary">
                  {t('memberPage.replaceSubmit')}
                </button>
                <button type="button" className="btn" onClick={() => setReplacing(null)}>
                  {t('common.cancel')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

interface AnalyticsPanelData {
  facts: { firstDate: string; lastDate: string; visits: number; spendMinor: number; averageSpendMinor: number; stores: number; categories: number; longestGapDays: number } | null;
  scores: {
    r: number;
    f: number;
    m: number;
    segment: string | null;
    abc: string | null;
    churnRisk: number | null;
    reason: { usualGapDays: number | null; daysSinceLast: number };
    pAlive: number | null;
    expectedPurchases: { d30: number | null; d90: number | null; d365: number | null };
    expectedSpendMinor: number | null;
    clvMinor: number | null;
    atStakeMinor: number | null;
  } | null;
  asOf: string | null;
}

/** The member's analytics: facts so far, and the newest run's scores with the reason and expected value (owners and managers). */
export function AnalyticsPanel({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const money = (m: number) => formatMoney(m, merchant.currency, locale);
  const panel = useLoad((signal) => api<AnalyticsPanelData>(`/v1/analytics/members/${memberId}`, { session: staffSession, signal }), [memberId]);
  const d = panel.data;
  const s = d?.scores;
  const n = (v: number | null) => (v === null ? '—' : v.toLocaleString(locale, { maximumFractionDigits: 1 }));
  return (
    <section className="card" data-testid="member-analytics">
      <h2>{t('analytics.panel')}</h2>
      <ErrorBanner error={panel.error} />
      {d && !d.facts && !s && <p className="muted">{t('analytics.noPanel')}</p>}
      {d?.facts && <p className="muted">{t('analytics.firstLast', { first: formatDate(d.facts.firstDate, locale), last: formatDate(d.facts.lastDate, locale), stores: d.facts.stores, categories: d.facts.categories })}</p>}
      {s && (
        <dl>
          <dt>{t('analytics.segment')}</dt>
          <dd>
            {s.segment ? t(`analytics.segmentNames.${SEGMENT_KEYS[s.segment]}`) : '—'} (R{s.r} F{s.f} M{s.m}, {t('analytics.abcClass')} {s.abc ?? '—'})
          </dd>
          <dt>{t('analytics.risk')}</dt>
          <dd>
            {s.churnRisk ?? '—'} / 100 — {reasonWords(t, s.reason)}
          </dd>
          <dt>{t('analytics.pAlive')}</dt>
          <dd>{s.pAlive === null ? '—' : formatPercent(s.pAlive, locale)}</dd>
          <dt>{t('analytics.expectedVisits')}</dt>
          <dd>{t('analytics.expected', { d30: n(s.expectedPurchases.d30), d90: n(s.expectedPurchases.d90), d365: n(s.expectedPurchases.d365) })}</dd>
          <dt>{t('analytics.expectedSpend')}</dt>
          <dd>{s.expectedSpendMinor === null ? '—' : money(s.expectedSpendMinor)}</dd>
          <dt>{t('analytics.clvShort')}</dt>
          <dd>{s.clvMinor === null ? '—' : money(s.clvMinor)}</dd>
          <dt>{t('analytics.atStake')}</dt>
          <dd>{s.atStakeMinor === null ? '—' : money(s.atStakeMinor)}</dd>
        </dl>
      )}
      {d?.asOf && <p className="muted">{t('analytics.scoredOn', { date: d.asOf })}</p>}
    </section>
  );
}
