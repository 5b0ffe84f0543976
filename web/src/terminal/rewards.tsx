import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api/client';
import { terminalSession } from '../api/sessions';
import { formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, useLoad } from '../ui/kit';
import type { RewardBought, RewardList } from '../../../src/offers/offers.schemas';

type Rewards = z.infer<typeof RewardList>;
type Bought = z.infer<typeof RewardBought>;

/**
 * The rewards catalogue at the till: the scanned member buys a coupon with
 * points (debited at once) and its code goes straight into the basket.
 * Shown only when the shop has rewards the member can afford.
 */
export function TillRewards({ memberId, available, onBought }: { memberId: string; available: number; onBought: (bought: Bought) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rewards = useLoad((signal) => api<Rewards>('/v1/pos/rewards', { session: terminalSession, signal }), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const affordable = (rewards.data?.items ?? []).filter((r) => r.points <= available);
  if (affordable.length === 0) return null;

  async function buy(offerId: string) {
    setError(null);
    setBusy(true);
    try {
      onBought(await api<Bought>(`/v1/pos/members/${memberId}/rewards/${offerId}`, { session: terminalSession, method: 'POST' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3>{t('terminal.rewards')}</h3>
      <ErrorBanner error={error} />
      <ul className="offer-list" data-testid="till-rewards">
        {affordable.map((r) => (
          <li key={r.offerId}>
            {r.name}{' '}
            <button type="button" className="btn" disabled={busy} onClick={() => void buy(r.offerId)}>
              {t('terminal.buyReward', { points: formatNumber(r.points, locale) })}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
