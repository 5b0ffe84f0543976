import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api/client';
import type { memberSession } from '../api/sessions';
import { formatDate, formatMoney, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Notice, useLoad } from '../ui/kit';
import type { MyOffersOut, RewardBought, RewardList } from '../../../src/offers/offers.schemas';
import { CardQr } from './CardQr';

type MyOffers = z.infer<typeof MyOffersOut>;
type Rewards = z.infer<typeof RewardList>;
type Bought = z.infer<typeof RewardBought>;

/**
 * My offers: the shop's personal offers for this member (activate those that
 * ask for it; the till then applies them on its own), the rewards
 * catalogue (a coupon for points, straight into the wallet) and the coupon
 * wallet, each coupon with the QR code the till scans.
 */
export function MyOffersPage({ session, currency }: { session: ReturnType<typeof memberSession>; currency: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const mine = useLoad((signal) => api<MyOffers>('/v1/me/offers', { session, signal }), [version]);
  const rewards = useLoad((signal) => api<Rewards>('/v1/me/rewards', { session, signal }), []);
  const [bought, setBought] = useState<Bought | null>(null);
  const offers = mine.data?.offers ?? [];
  const coupons = mine.data?.coupons ?? [];

  async function activate(offerId: string) {
    setError(null);
    setBusy(offerId);
    try {
      await api(`/v1/me/offers/${offerId}/activate`, { session, method: 'POST' });
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function buy(offerId: string) {
    setError(null);
    setBought(null);
    setBusy(offerId);
    try {
      setBought(await api<Bought>(`/v1/me/rewards/${offerId}/buy`, { session, method: 'POST' }));
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <h1>{t('myOffers.title')}</h1>
      <ErrorBanner error={error ?? mine.error} />
      <section className="card stack" aria-labelledby="my-offers-title">
        <h2 id="my-offers-title">{t('myOffers.offers')}</h2>
        {mine.data && offers.length === 0 && <p className="muted">{t('myOffers.noOffers')}</p>}
        <ul className="my-offers" data-testid="my-offers">
          {offers.map((o) => (
            <li key={o.id} className="my-offer">
              <div>
                <strong>{o.name}</strong>
                {o.endsOn && <div className="muted">{t('myOffers.until', { date: formatDate(o.endsOn, locale) })}</div>}
              </div>
              {o.usable ? (
                <span className="badge badge-ok" data-testid="offer-active">
                  {o.activationRequired ? t('myOffers.activated') : t('myOffers.ready')}
                </span>
              ) : (
                <button type="button" className="btn btn-primary" disabled={busy === o.id} onClick={() => void activate(o.id)}>
                  {t('myOffers.activate')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {offers.some((o) => o.usable) && <p className="muted">{t('myOffers.atTheTill')}</p>}
      </section>
      {(rewards.data?.items.length ?? 0) > 0 && (
        <section className="card stack" aria-labelledby="rewards-title">
          <h2 id="rewards-title">{t('myOffers.rewards')}</h2>
          {bought && (
            <Notice>{t('myOffers.bought', { name: bought.name, points: formatNumber(bought.points, locale), available: formatNumber(bought.available, locale) })}</Notice>
          )}
          <ul className="my-offers" data-testid="rewards">
            {rewards.data?.items.map((r) => (
              <li key={r.offerId} className="my-offer">
                <strong>{r.name}</strong>
                <button type="button" className="btn" disabled={busy === r.offerId} onClick={() => void buy(r.offerId)}>
                  {t('myOffers.buy', { points: formatNumber(r.points, locale) })}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card stack" aria-labelledby="wallet-title">
        <h2 id="wallet-title">{t('myOffers.wallet')}</h2>
        {mine.data && coupons.length === 0 && <p className="muted">{t('myOffers.noCoupons')}</p>}
        <ul className="coupon-wallet" data-testid="coupon-wallet">
          {coupons.map((c) => (
            <li key={c.code} className="wallet-coupon">
              <div className="wallet-qr">
                <CardQr value={c.code} label={t('myOffers.couponQr', { code: c.code })} />
              </div>
              <div>
                <strong>{c.offerName}</strong>
                {c.amountOffMinor !== null && <div>{t('myOffers.amountOff', { amount: formatMoney(c.amountOffMinor, currency, locale) })}</div>}
                <div className="coupon-code">{c.code}</div>
                {(c.validFrom || c.validUntil) && (
                  <div className="muted">
                    {t('myOffers.valid', { from: c.validFrom ? formatDate(c.validFrom, locale) : '—', until: c.validUntil ? formatDate(c.validUntil, locale) : '—' })}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
