import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeOutcome } from './till-types';

/** As the server compares codes: upper case without spaces or dashes. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}

/** The reasons a till sees most, said in the till's language; any other shows the server's message. */
const KNOWN_REASONS = ['UNKNOWN_CODE', 'CODE_USED', 'CODE_EXPIRED', 'CODE_NOT_YET_VALID', 'CODE_NOT_FOR_MEMBER', 'OFFER_NOT_ACTIVE', 'CODE_REPEATED', 'CODE_REQUIRED'];

/**
 * Coupon codes for the basket: scanned into the field (a wedge scanner types
 * the code and presses Enter, as in the product field) or typed. Each code
 * shows what the last pricing made of it: applied, or refused and why. Not a
 * form: it sits inside the basket's form, whose submit prices the basket.
 */
export function CouponCodes({ codes, outcomes, onChange }: { codes: string[]; outcomes: CodeOutcome[] | null; onChange: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');

  function add() {
    const code = normaliseCode(text.trim());
    setText('');
    if (code.length < 3 || codes.includes(code)) return;
    onChange([...codes, code]);
  }

  return (
    <div className="stack coupon-codes">
      <div className="row" role="group" aria-label={t('terminal.coupons')}>
        <div className="field">
          <label htmlFor="coupon-code">{t('terminal.couponCode')}</label>
          <input
            id="coupon-code"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
            autoComplete="off"
            autoCapitalize="characters"
            maxLength={40}
          />
        </div>
        <button type="button" className="btn" onClick={add}>
          {t('terminal.addCoupon')}
        </button>
      </div>
      {codes.length > 0 && (
        <ul className="coupon-list" data-testid="coupon-list">
          {codes.map((code) => {
            const outcome = outcomes?.find((o) => o.code === code);
            return (
              <li key={code} data-testid="coupon" data-status={outcome?.status ?? 'pending'}>
                <span className="coupon-code">{code}</span>{' '}
                {outcome?.status === 'applied' && <span className="badge badge-ok">{t('terminal.couponApplied')}</span>}
                {outcome?.status === 'refused' && (
                  <span className="badge badge-warn">
                    {outcome.reason && KNOWN_REASONS.includes(outcome.reason) ? t(`terminal.couponReason.${outcome.reason}`) : (outcome.message ?? outcome.reason)}
                  </span>
                )}
                <button type="button" className="linkish" onClick={() => onChange(codes.filter((c) => c !== code))} aria-label={t('terminal.removeCoupon', { code })}>
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
