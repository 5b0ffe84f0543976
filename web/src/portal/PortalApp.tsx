import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, fieldErrors } from '../api/client';
import { memberSession, memberSlot, useStored } from '../api/sessions';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../format';
import { applyPreferredLanguage, languageOf, useLocale } from '../i18n';
import { Checkbox, ConfirmButton, ErrorBanner, Field, LanguageSwitcher, Notice, useLoad } from '../ui/kit';
import { brandStyle } from './brand';
import { CardBarcode } from './CardBarcode';
import { CardQr } from './CardQr';
import { HowPointsWork } from './HowPointsWork';
import { forgetCachedCard, readCachedCard, rememberPortalMerchant, writeCachedCard, type CachedCard } from './portal-cache';
import type { EntryRow, PurchaseRow } from '../api/history-types';
import { MyOffersPage } from './MyOffers';

interface MemberOut {
  id: string;
  memberNumber: string;
  firstName: string;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  birthDate: string | null;
  locale: string | null;
  status: string;
  deletionRequestedAt: string | null;
}
interface CardOut {
  id: string;
  number: string;
  kind: 'digital' | 'physical';
  status: string;
}
interface Consent {
  granted: boolean;
  source: string;
  at: string;
}
type ConsentKind = 'marketingEmail' | 'marketingSms' | 'profiling';
type Consents = Record<ConsentKind, Consent | null>;
interface Profile {
  member: MemberOut;
  completeness: { score: number; missing: string[] };
  consents: Consents;
  cards: CardOut[];
}
interface MeAnswer {
  kind: 'member';
  merchant: { id: string; name: string; currency: string; timeZone: string; locale: string };
}
/** The shop as its portal shows it to anyone (GET /v1/portal/:merchantId). */
export interface PortalShop {
  id: string;
  name: string;
  brandColor: string | null;
  locale: string;
  currency: string;
}
interface PointsSummary {
  available: number;
  pending: number;
  expiringSoon: { points: number; expiresAt: string } | null;
}
interface TierProgress {
  tier: { code: string; name: string } | null;
  next: { code: string; name: string; remaining: number; unit: 'spend_minor' | 'points' } | null;
}

/** Registers the service worker that keeps the portal (and the card) usable offline. */
function useServiceWorker(): void {
  useEffect(() => {
    if ('serviceWorker' in navigator && window.isSecureContext) {
      navigator.serviceWorker
        .register('/sw.js', { scope: '/' })
        .then(() => navigator.serviceWorker.ready)
        .then((reg) => {
          // Lazily loaded chunks are not in index.html: hand their URLs over so an offline visit finds them.
          const urls = performance.getEntriesByType('resource').map((e) => e.name);
          reg.active?.postMessage({ type: 'cache', urls });
        })
        .catch(() => undefined);
    }
  }, []);
}

export default function PortalApp() {
  const { merchantId = '' } = useParams();
  const session = useStored(memberSlot(merchantId));
  const { t } = useTranslation();
  const location = useLocation();
  // The shop's name and colour, public: shown before sign-in, and an unknown address says so.
  const shop = useLoad((signal) => api<PortalShop>(`/v1/portal/${encodeURIComponent(merchantId)}`, { signal }), [merchantId]);
  const unknown = shop.error instanceof ApiError && shop.error.status === 404;
  const shopName = shop.data?.name ?? readCachedCard(merchantId)?.merchantName;
  useServiceWorker();
  useEffect(() => {
    if (!unknown) rememberPortalMerchant(merchantId);
    document.title = shopName ? `${shopName} · ${t('portal.title')}` : t('portal.title');
  }, [merchantId, t, unknown, shopName]);
  useEffect(() => applyPreferredLanguage(shop.data?.locale), [shop.data?.locale]);
  const joining = /\/join\/?$/.test(location.pathname);
  let page;
  if (unknown) page = <UnknownShop />;
  else if (session) page = joining ? <Navigate to={`/portal/${merchantId}`} replace /> : <Portal merchantId={merchantId} />;
  else page = <SignIn merchantId={merchantId} shop={shop.data} joining={joining} />;
  return (
    <div className="portal" style={brandStyle(shop.data?.brandColor)}>
      {page}
    </div>
  );
}

function UnknownShop() {
  const { t } = useTranslation();
  return (
    <>
      <header className="topbar">
        <span className="spacer" />
        <LanguageSwitcher />
      </header>
      <main>
        <h1>{t('portal.unknownShopTitle')}</h1>
        <Notice kind="warn">{t('portal.unknownShop')}</Notice>
      </main>
    </>
  );
}

type ConsentAnswers = Record<ConsentKind, boolean>;
const NO_CONSENTS: ConsentAnswers = { marketingEmail: false, marketingSms: false, profiling: false };

/**
 * Sign-in with a one-time code, and joining (from the shop's poster): the
 * same two steps, the join form also asking a first name and the consents.
 * The code that comes back signs the shopper in either way; a new shopper is
 * enrolled by it.
 */
function SignIn({ merchantId, shop, joining }: { merchantId: string; shop: PortalShop | null; joining: boolean }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const cached = readCachedCard(merchantId);
  const [contact, setContact] = useState('');
  const [firstName, setFirstName] = useState('');
  const [consents, setConsents] = useState<ConsentAnswers>(NO_CONSENTS);
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [showCard, setShowCard] = useState(false);
  const to = () => (contact.includes('@') ? { email: contact.trim().toLowerCase() } : { phone: contact.trim() });
  const base = `/portal/${merchantId}`;
  const shopName = shop?.name ?? cached?.merchantName ?? '';
  const fields = fieldErrors(error);

  async function requestCode(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      if (joining) {
        await api(`/v1/portal/${encodeURIComponent(merchantId)}/join`, {
          body: { ...to(), firstName: firstName.trim(), locale: languageOf(i18n.language) ?? undefined, consents },
        });
      } else {
        await api(`/v1/portal/${encodeURIComponent(merchantId)}/sign-in/code`, { body: to() });
      }
      setSent(true);
    } catch (err) {
      setError(err);
    }
  }
  async function verify(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<{ accessToken: string; member: MemberOut }>(`/v1/portal/${encodeURIComponent(merchantId)}/sign-in/verify`, {
        body: { ...to(), code: code.trim() },
      });
      applyPreferredLanguage(answer.member.locale);
      memberSlot(merchantId).set({ accessToken: answer.accessToken, memberId: answer.member.id });
      if (joining) navigate(base, { replace: true });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <header className="topbar">
        <span className="brand">{shopName}</span>
        <span className="spacer" />
        <LanguageSwitcher />
      </header>
      <main>
        <h1>{joining ? t('portal.joinTitle', { shop: shopName }) : t('portal.signInTitle')}</h1>
        <ErrorBanner error={error} />
        {!sent ? (
          <form className="card stack" onSubmit={requestCode}>
            {joining && <p>{t('portal.joinIntro')}</p>}
            {joining && <Field label={t('profile.firstName')} value={firstName} onChange={(e) => setFirstName(e.target.value)} required maxLength={100} autoComplete="given-name" error={fields.firstName} />}
            <Field
              label={t('portal.contact')}
              value={contact}
              onChange={(e) => setContact(e.target.value)}
              required
              maxLength={254}
              autoComplete={joining ? 'tel' : 'username'}
              autoFocus={!joining}
              error={fields.phone ?? fields.email}
            />
            {joining && (
              <fieldset className="stack">
                <legend>{t('portal.consentsIntro')}</legend>
                {(['marketingSms', 'marketingEmail', 'profiling'] as const).map((k) => (
                  <Checkbox key={k} label={t(`consents.${k}`)} checked={consents[k]} onChange={(v) => setConsents((c) => ({ ...c, [k]: v }))} />
                ))}
              </fieldset>
            )}
            <button type="submit" className="btn btn-primary btn-big">
              {joining ? t('portal.join') : t('portal.sendCode')}
            </button>
            <p>{joining ? <Link to={base}>{t('portal.signInLink')}</Link> : <Link to={`${base}/join`}>{t('portal.joinLink')}</Link>}</p>
          </form>
        ) : (
          <form className="card stack" onSubmit={verify}>
            <p>{t('portal.codeSent', { to: contact })}</p>
            <Field
              label={t('portal.code')}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              autoFocus
            />
            <button type="submit" className="btn btn-primary btn-big">
              {t('portal.verify')}
            </button>
            <button type="button" className="linkish" onClick={() => setSent(false)}>
              {t('portal.changeContact')}
            </button>
          </form>
        )}
        {cached && (
          <button type="button" className="btn btn-big" onClick={() => setShowCard(true)}>
            {t('portal.showCard')}
          </button>
        )}
        {cached && showCard && <FullScreenCard card={cached} onClose={() => setShowCard(false)} />}
      </main>
    </>
  );
}

function Portal({ merchantId }: { merchantId: string }) {
  const { t } = useTranslation();
  const session = memberSession(merchantId);
  const [cached, setCached] = useState<CachedCard | null>(() => readCachedCard(merchantId));
  const me = useLoad((signal) => api<MeAnswer>('/v1/auth/me', { session, signal }), [merchantId]);
  const profile = useLoad((signal) => api<Profile>('/v1/me', { session, signal }), [merchantId]);
  const points = useLoad((signal) => api<PointsSummary>('/v1/me/points', { session, signal }), [merchantId]);
  const [showCard, setShowCard] = useState(false);
  const offline = [me.error, profile.error].some((e) => e instanceof ApiError && e.code === 'NETWORK');

  useEffect(() => applyPreferredLanguage(profile.data?.member.locale), [profile.data?.member.locale]);

  // Keep the offline copy of the card current whenever fresh data arrives.
  useEffect(() => {
    const p = profile.data;
    const card = p?.cards.find((c) => c.status === 'active');
    if (!p || !card || !me.data) return;
    const next: CachedCard = {
      merchantName: me.data.merchant.name,
      currency: me.data.merchant.currency,
      memberName: [p.member.firstName, p.member.lastName].filter(Boolean).join(' '),
      memberNumber: p.member.memberNumber,
      cardNumber: card.number,
      available: points.data?.available ?? null,
      pending: points.data?.pending ?? null,
      savedAt: new Date().toISOString(),
    };
    writeCachedCard(merchantId, next);
    setCached(next);
  }, [profile.data, me.data, points.data, merchantId]);

  const signOut = () => {
    forgetCachedCard(merchantId);
    memberSlot(merchantId).set(null);
  };
  const base = `/portal/${merchantId}`;
  const currency = me.data?.merchant.currency ?? cached?.currency ?? 'USD';

  return (
    <>
      <a className="skip" href="#portal-main">
        {t('common.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{me.data?.merchant.name ?? cached?.merchantName ?? 'Tally'}</span>
        <span className="spacer" />
        <LanguageSwitcher
          onChange={(code) => {
            // The member's language preference follows the switcher.
            void api('/v1/me', { method: 'PATCH', session, body: { locale: code } }).catch(() => undefined);
          }}
        />
        <button type="button" className="linkish" onClick={signOut}>
          {t('common.signOut')}
        </button>
      </header>
      <nav className="topbar portal-nav" aria-label={t('portal.title')}>
        <NavLink to={base} end>
          {t('portal.nav.card')}
        </NavLink>
        <NavLink to={`${base}/offers`}>{t('portal.nav.offers')}</NavLink>
        <NavLink to={`${base}/history`}>{t('portal.nav.history')}</NavLink>
        <NavLink to={`${base}/points`}>{t('portal.nav.points')}</NavLink>
        <NavLink to={`${base}/profile`}>{t('portal.nav.profile')}</NavLink>
        <NavLink to={`${base}/privacy`}>{t('portal.nav.privacy')}</NavLink>
      </nav>
      <main id="portal-main" tabIndex={-1}>
        {offline && <Notice kind="warn">{t('portal.offline')}</Notice>}
        {!offline && <ErrorBanner error={profile.error ?? me.error} />}
        <Routes>
          <Route
            index
            element={<CardHome cached={cached} points={points.data} currency={currency} session={session} onShowCard={() => setShowCard(true)} />}
          />
          <Route path="offers" element={<MyOffersPage session={session} currency={currency} />} />
          <Route path="history" element={<History session={session} currency={currency} />} />
          <Route path="points" element={<HowPointsWork session={session} currency={currency} />} />
          <Route path="profile" element={<ProfilePage session={session} profile={profile.data} onSaved={profile.reload} />} />
          <Route path="privacy" element={<Privacy session={session} profile={profile.data} onChanged={profile.reload} />} />
        </Routes>
        {showCard && cached && <FullScreenCard card={cached} onClose={() => setShowCard(false)} />}
      </main>
    </>
  );
}

function CardHome({
  cached,
  points,
  currency,
  session,
  onShowCard,
}: {
  cached: CachedCard | null;
  points: PointsSummary | null;
  currency: string;
  session: ReturnType<typeof memberSession>;
  onShowCard: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const tier = useLoad((signal) => api<TierProgress>('/v1/me/tier', { session, signal }), []);
  const available = points?.available ?? cached?.available ?? null;
  const pending = points?.pending ?? cached?.pending ?? null;
  return (
    <>
      <section className="card" aria-labelledby="balance-title">
        <h1 id="balance-title">{cached ? t('portal.hello', { name: cached.memberName }) : t('portal.title')}</h1>
        <div className="grid">
          <div>
            <div className="muted">{t('points.available')}</div>
            <div className="points-big" data-testid="portal-available">
              {available === null ? '—' : formatNumber(available, locale)}
            </div>
          </div>
          <div>
            <div className="muted">{t('points.pending')}</div>
            <div className="points-big">{pending === null ? '—' : formatNumber(pending, locale)}</div>
          </div>
        </div>
        {points?.expiringSoon && (
          <Notice kind="warn">
            {t('points.expiringOn', { points: formatNumber(points.expiringSoon.points, locale), date: formatDate(points.expiringSoon.expiresAt, locale) })}
          </Notice>
        )}
        {tier.data && <TierBar progress={tier.data} currency={currency} />}
      </section>
      {cached ? (
        <section className="card" aria-labelledby="card-title">
          <h2 id="card-title">{t('portal.myCard')}</h2>
          <div className="card-codes">
            <div className="qr-small">
              <CardQr value={cached.cardNumber} label={t('portal.qrLabel', { number: cached.cardNumber })} />
            </div>
            <CardBarcode value={cached.cardNumber} label={t('portal.barcodeLabel', { number: cached.cardNumber })} />
            <p className="muted">
              {t('portal.cardNumber')}: <strong>{cached.cardNumber}</strong>
            </p>
            <button type="button" className="btn btn-primary btn-big" onClick={onShowCard}>
              {t('portal.showCard')}
            </button>
          </div>
        </section>
      ) : (
        <p className="muted">{t('portal.noCard')}</p>
      )}
    </>
  );
}

function TierBar({ progress, currency }: { progress: TierProgress; currency: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="stack">
      <p>
        {t('portal.tier')}: <strong>{progress.tier?.name ?? t('portal.noTier')}</strong>
      </p>
      {progress.next && (
        <p className="muted">
          {t('portal.nextTier', {
            name: progress.next.name,
            remaining:
              progress.next.unit === 'spend_minor' ? formatMoney(progress.next.remaining, currency, locale) : t('portal.pointsN', { n: formatNumber(progress.next.remaining, locale) }),
          })}
        </p>
      )}
    </div>
  );
}

/**
 * The card full-screen: black on white, the QR for 2D scanners and cameras
 * and the EAN-13 barcode for 1D scanners, as large as the screen holds both,
 * and the screen kept awake (Wake Lock API where the browser has it) so it
 * does not dim while the cashier scans.
 */
function FullScreenCard({ card, onClose }: { card: CachedCard; onClose: () => void }) {
  const { t } = useTranslation();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    let lock: WakeLockSentinel | null = null;
    let released = false;
    navigator.wakeLock
      ?.request('screen')
      .then((l) => {
        if (released) void l.release();
        else lock = l;
      })
      .catch(() => undefined);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => {
      released = true;
      void lock?.release();
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  return (
    <div className="qr-full" role="dialog" aria-modal="true" aria-label={t('portal.myCard')} data-testid="fullscreen-card">
      <strong>{card.merchantName}</strong>
      <div className="qr">
        <CardQr value={card.cardNumber} label={t('portal.qrLabel', { number: card.cardNumber })} />
      </div>
      <CardBarcode value={card.cardNumber} label={t('portal.barcodeLabel', { number: card.cardNumber })} />
      <div className="code">{card.cardNumber}</div>
      <div>{card.memberName}</div>
      <button ref={close} type="button" className="btn btn-big" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}


function History({ session, currency }: { session: ReturnType<typeof memberSession>; currency: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const purchases = useLoad((signal) => api<{ items: PurchaseRow[]; total?: number }>('/v1/me/purchases', { session, signal, query: { limit: 50 } }), []);
  const entries = useLoad((signal) => api<{ items: EntryRow[] }>('/v1/me/points/entries', { session, signal, query: { limit: 50 } }), []);
  return (
    <>
      <h1>{t('portal.nav.history')}</h1>
      <h2>{t('portal.purchases')}</h2>
      <ErrorBanner error={purchases.error} />
      {purchases.data?.items.length === 0 && <p className="muted">{t('portal.noPurchases')}</p>}
      <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
        {purchases.data?.items.map((p) => (
          <li key={p.id} className="card">
            <strong>{formatMoney(p.totalMinor, currency, locale)}</strong> · {formatDateTime(p.occurredAt, locale)}
            <br />
            <span className="muted">
              {t('portal.earnedRedeemed', { earned: formatNumber(p.pointsEarned, locale), redeemed: formatNumber(p.pointsRedeemed, locale) })}
              {p.status === 'voided' && ` · ${t('portal.voided')}`}
            </span>
            {p.refundedMinor > 0 && (
              <>
                <br />
                <span className="badge">{t('portal.returned', { amount: formatMoney(p.refundedMinor, currency, locale) })}</span>
              </>
            )}
          </li>
        ))}
      </ul>
      {entries.data && (
        <>
          <h2>{t('portal.pointsHistory')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('common.date')}</th>
                <th>{t('portal.entryType')}</th>
                <th className="num">{t('portal.points')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.occurredAt ?? e.createdAt, locale)}</td>
                  <td>{t(`entryType.${e.kind}`, { defaultValue: e.kind })}</td>
                  <td className="num">{(e.points > 0 ? '+' : '') + formatNumber(e.points, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

const CHANGE_LABELS = { given: 'consents.granted', withdrawn: 'consents.withdrawn', declined: 'consents.declined' } as const;

/** The history names kinds as stored (marketing_email); the labels use the API's field names (marketingEmail). */
const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface Change {
  id: number;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  actorKind: string;
  at: string;
}

function ProfilePage({ session, profile, onSaved }: { session: ReturnType<typeof memberSession>; profile: Profile | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [form, setForm] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [version, setVersion] = useState(0);
  const [chosen, setChosen] = useState<Partial<Record<ConsentKind, boolean>>>({});
  const changes = useLoad((signal) => api<{ items: Change[] } | Change[]>('/v1/me/changes', { session, signal }), [version]);
  const consents = useLoad(
    (signal) =>
      api<{ current: Consents; history: { id: number; kind: string; change: 'given' | 'withdrawn' | 'declined'; source: string; at: string }[] }>('/v1/me/consents', { session, signal }),
    [version],
  );
  const fields = fieldErrors(error);
  const m = profile?.member;
  const values = form ?? {
    firstName: m?.firstName ?? '',
    lastName: m?.lastName ?? '',
    phone: m?.phone ?? '',
    email: m?.email ?? '',
    birthDate: m?.birthDate ?? '',
  };
  const changeList = Array.isArray(changes.data) ? changes.data : (changes.data?.items ?? []);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!m) return;
    setError(null);
    setSaved(false);
    const body: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(values)) {
      const before = (m as unknown as Record<string, string | null>)[k] ?? '';
      if (v.trim() !== before) body[k] = v.trim() === '' ? null : v.trim();
    }
    try {
      if (Object.keys(body).length) await api('/v1/me', { method: 'PATCH', session, body });
      setForm(null);
      setSaved(true);
      setVersion((v) => v + 1);
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  async function setConsent(kind: ConsentKind, granted: boolean) {
    setError(null);
    // Show the new answer at once; the reload after the write confirms it (or the error puts it back).
    setChosen((c) => ({ ...c, [kind]: granted }));
    try {
      await api('/v1/me/consents', { method: 'PUT', session, body: { [kind]: granted } });
      setSaved(true);
      setVersion((v) => v + 1);
    } catch (err) {
      setChosen((c) => ({ ...c, [kind]: undefined }));
      setError(err);
    }
  }

  if (!m) return <p role="status">{t('common.loading')}</p>;
  const set = (k: string) => (e: { target: { value: string } }) => setForm({ ...values, [k]: e.target.value });
  return (
    <>
      <h1>{t('portal.nav.profile')}</h1>
      <ErrorBanner error={error} />
      {saved && <Notice>{t('common.saved')}</Notice>}
      <form className="card stack" onSubmit={save}>
        <Field label={t('profile.firstName')} value={values.firstName} onChange={set('firstName')} required autoComplete="given-name" error={fields.firstName} />
        <Field label={t('profile.lastName')} value={values.lastName} onChange={set('lastName')} autoComplete="family-name" error={fields.lastName} />
        <Field label={t('profile.phone')} type="tel" value={values.phone} onChange={set('phone')} autoComplete="tel" error={fields.phone} />
        <Field label={t('common.email')} type="email" value={values.email} onChange={set('email')} autoComplete="email" error={fields.email} />
        <Field label={t('profile.birthDate')} type="date" value={values.birthDate} onChange={set('birthDate')} autoComplete="bday" error={fields.birthDate} />
        <button type="submit" className="btn btn-primary btn-big">
          {t('common.save')}
        </button>
      </form>
      <section className="card" aria-labelledby="consents-title">
        <h2 id="consents-title">{t('consents.title')}</h2>
        {consents.data &&
          (['marketingEmail', 'marketingSms', 'profiling'] as const).map((k) => (
            <Checkbox key={k} label={t(`consents.${k}`)} checked={chosen[k] ?? consents.data?.current[k]?.granted ?? false} onChange={(v) => void setConsent(k, v)} />
          ))}
        <h3>{t('consents.history')}</h3>
        <ul>
          {consents.data?.history.map((h) => (
            <li key={h.id}>
              {formatDateTime(h.at, locale)} — {t(`consents.${camelCase(h.kind)}`, { defaultValue: h.kind })}: {t(CHANGE_LABELS[h.change])} (
              {t(`source.${h.source}`, { defaultValue: h.source })})
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="changes-title">
        <h2 id="changes-title">{t('profile.changes')}</h2>
        {changeList.length === 0 && <p className="muted">{t('profile.noChanges')}</p>}
        <ul>
          {changeList.map((c) => (
            <li key={c.id}>
              {formatDateTime(c.at, locale)} — {t(`profileField.${c.field}`, { defaultValue: c.field })}: {c.oldValue ?? '—'} → {c.newValue ?? '—'}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function Privacy({ session, profile, onChanged }: { session: ReturnType<typeof memberSession>; profile: Profile | null; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [error, setError] = useState<unknown>(null);

  async function download() {
    setError(null);
    try {
      const data = await api<unknown>('/v1/me/export', { session });
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `my-data-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }

  async function requestDeletion() {
    setError(null);
    try {
      await api('/v1/me/deletion-request', { method: 'POST', session });
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <h1>{t('portal.nav.privacy')}</h1>
      <ErrorBanner error={error} />
      <section className="card stack">
        <h2>{t('privacy.downloadTitle')}</h2>
        <p>{t('privacy.downloadText')}</p>
        <button type="button" className="btn btn-big" onClick={download}>
          {t('privacy.download')}
        </button>
      </section>
      <section className="card stack">
        <h2>{t('privacy.deleteTitle')}</h2>
        {profile?.member.deletionRequestedAt ? (
          <Notice kind="warn">{t('privacy.deleteRequested', { date: formatDate(profile.member.deletionRequestedAt, locale) })}</Notice>
        ) : (
          <>
            <p>{t('privacy.deleteText')}</p>
            <ConfirmButton label={t('privacy.delete')} question={t('privacy.deleteQuestion')} confirmLabel={t('privacy.delete')} onConfirm={requestDeletion} />
          </>
        )}
      </section>
    </>
  );
}
