import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { memberSession } from '../api/sessions';
import { formatDate, formatMoney, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, useLoad } from '../ui/kit';
import type { MemberProgramOut } from '../../../src/rules/rules.schemas';
import type { ExpiryScheduleOut } from '../../../src/points/points.schemas';
import type { z } from 'zod';

type MemberProgram = z.infer<typeof MemberProgramOut>;
type ExpirySchedule = z.infer<typeof ExpiryScheduleOut>;

/**
 * "How points work" at this shop, from the program in force: earning,
 * holding, using and expiry, then the dates the member's own points expire.
 */
export function HowPointsWork({ session, currency }: { session: ReturnType<typeof memberSession>; currency: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const program = useLoad((signal) => api<MemberProgram>('/v1/me/program', { session, signal }), []);
  const expiry = useLoad((signal) => api<ExpirySchedule>('/v1/me/points/expiry', { session, signal }), []);
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const n = (value: number) => formatNumber(value, locale);
  const p = program.data;
  return (
    <>
      <h1>{t('portal.how.title')}</h1>
      <ErrorBanner error={program.error ?? expiry.error} />
      {p && (
        <>
          <section className="card stack" aria-labelledby="how-earning">
            <h2 id="how-earning">{t('portal.how.earning')}</h2>
            <p>{t('portal.how.earnRate', { points: n(p.earning.points), amount: money(p.earning.perMinor) })}</p>
            {p.earning.minimumSpendMinor > 0 && <p>{t('portal.how.minimum', { amount: money(p.earning.minimumSpendMinor) })}</p>}
            {p.earning.categoryMultipliers.length > 0 && (
              <ul>
                {p.earning.categoryMultipliers.map((m) => (
                  <li key={m.category}>{t('portal.how.multiplier', { category: m.category, factor: n(m.multiplierPercent / 100) })}</li>
                ))}
              </ul>
            )}
            {p.earning.excludedCategories.length > 0 && <p>{t('portal.how.excluded', { list: p.earning.excludedCategories.join(', ') })}</p>}
            {p.earning.firstPurchaseBonus > 0 && <p>{t('portal.how.firstBonus', { points: n(p.earning.firstPurchaseBonus) })}</p>}
            {p.pendingDays > 0 && <p>{t('portal.how.pending', { days: n(p.pendingDays) })}</p>}
          </section>
          <section className="card stack" aria-labelledby="how-using">
            <h2 id="how-using">{t('portal.how.using')}</h2>
            {p.redemption.enabled ? (
              <>
                <p>{t('portal.how.redeemRate', { points: n(p.redemption.pointsPerUnit), amount: money(p.redemption.unitValueMinor) })}</p>
                <p>{t('portal.how.redeemRules', { min: n(p.redemption.minPoints), step: n(p.redemption.step), share: n(p.redemption.maxShareOfBasketPercent) })}</p>
              </>
            ) : (
              <p>{t('portal.how.noRedemption')}</p>
            )}
          </section>
          <section className="card stack" aria-labelledby="how-expiry">
            <h2 id="how-expiry">{t('portal.how.expiry')}</h2>
            <p>{expiryRule(p.expiry, t, n)}</p>
            <h3>{t('portal.how.yours')}</h3>
            {expiry.data?.items.length === 0 && <p className="muted">{t('portal.how.noneExpiring')}</p>}
            {expiry.data && expiry.data.items.length > 0 && (
              <table data-testid="expiry-schedule">
                <thead>
                  <tr>
                    <th>{t('portal.how.expiresOn')}</th>
                    <th className="num">{t('portal.points')}</th>
                  </tr>
                </thead>
                <tbody>
                  {expiry.data.items.map((i) => (
                    <tr key={i.expiresAt}>
                      <td>{formatDate(i.expiresAt, locale)}</td>
                      <td className="num">{n(i.points)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {expiry.data && expiry.data.neverExpire > 0 && <p className="muted">{t('portal.how.neverExpiring', { points: n(expiry.data.neverExpire) })}</p>}
          </section>
        </>
      )}
    </>
  );
}

function expiryRule(rule: MemberProgram['expiry'], t: (key: string, options?: Record<string, unknown>) => string, n: (value: number) => string): string {
  switch (rule.kind) {
    case 'never':
      return t('portal.how.expiryNever');
    case 'days':
      return t('portal.how.expiryDays', { days: n(rule.days) });
    case 'end_of_month':
      return rule.monthsAfter === 0 ? t('portal.how.expiryMonthEnd') : t('portal.how.expiryMonthEndAfter', { months: n(rule.monthsAfter) });
    case 'end_of_year':
      return rule.yearsAfter === 0 ? t('portal.how.expiryYearEnd') : t('portal.how.expiryYearEndAfter', { years: n(rule.yearsAfter) });
  }
}
