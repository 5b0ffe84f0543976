import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner } from '../ui/kit';

interface RedemptionRefusal {
  reason: string;
  maxPoints: number;
  minPoints?: number;
  step?: number;
  maxSharePercent?: number;
}

/**
 * Till errors are big and say what to do, in the cashier's language: a
 * blocked card, a server that is down, the redemption rule that was missed,
 * how much is left to refund (in money, from the error's details).
 */
export function TillError({ error, money }: { error: unknown; money?: (minor: number) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'UNKNOWN';
  const details = error instanceof ApiError ? (error.details as Record<string, unknown> | undefined) : undefined;
  let message: string | null = null;
  if (code === 'REDEMPTION_NOT_ALLOWED' && details && typeof details.reason === 'string') {
    const r = details as unknown as RedemptionRefusal;
    const n = (v: number | undefined) => formatNumber(v ?? 0, locale);
    message = t(`terminal.redeemRefused.${r.reason}`, { min: n(r.minPoints), step: n(r.step), max: n(r.maxPoints), share: n(r.maxSharePercent), defaultValue: t('errors.REDEMPTION_NOT_ALLOWED') });
    if (r.maxPoints > 0 && r.reason !== 'disabled') message += ` ${t('terminal.redeemAtMost', { max: n(r.maxPoints) })}`;
  } else if (code === 'RETURN_EXCEEDS_PURCHASE' && money && details && typeof details.left === 'number') {
    message = t('terminal.returnLeft', { left: money(details.left) });
  }
  const advice = t(`terminal.advice.${code}`, { defaultValue: '' });
  return (
    <div className="till-error">
      {message ? (
        <div className="banner banner-error" role="alert" data-code={code}>
          {message}
        </div>
      ) : (
        <ErrorBanner error={error} />
      )}
      {advice && <p className="muted">{advice}</p>}
    </div>
  );
}
