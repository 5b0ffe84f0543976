import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client';
import { terminalSession } from '../api/sessions';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { CardQr } from '../portal/CardQr';
import { ConfirmButton, Notice } from '../ui/kit';
import { TillError } from './till-error';
import type { PurchaseReceipt, ReturnReceipt, VoidReceipt } from './till-types';

/** Where a receipt was printed: shop, store, till. */
export interface ReceiptPlace {
  merchantName: string;
  storeName: string;
  tillName: string;
  timeZone?: string;
}

type Line = PurchaseReceipt['purchase']['lines'][number];

/** "2 × 12.50" for pieces, "0.452 × 89.00" for weighed goods. */
function quantityText(line: Line, money: (m: number) => string, locale: string): string {
  const qty = line.quantity % 1000 === 0 ? formatNumber(line.quantity / 1000, locale) : new Intl.NumberFormat(locale, { minimumFractionDigits: 3 }).format(line.quantity / 1000);
  return `${qty} × ${money(line.unitPriceMinor)}`;
}

/**
 * The sale receipt, printed by the till in the cashier's language and the
 * shop's currency format: lines, discounts, member, store, till, cashier,
 * and each points figure once. The on-screen banner and buttons do not print.
 */
export function ReceiptSlip({
  receipt,
  money,
  place,
  memberName,
  memberNumber,
  onNext,
}: {
  receipt: PurchaseReceipt;
  money: (minor: number) => string;
  place: ReceiptPlace;
  memberName: string | null;
  memberNumber: string | null;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [voided, setVoided] = useState<VoidReceipt | null>(null);
  const [error, setError] = useState<unknown>(null);
  const voidKey = useRef(newIdempotencyKey('void'));
  const p = receipt.purchase;

  /** A sale rung up wrongly is voided at once, by the cashier on this till (the server allows it within 24 hours). */
  async function voidSale() {
    setError(null);
    try {
      setVoided(await api<VoidReceipt>(`/v1/pos/purchases/${p.id}/void`, { session: terminalSession, headers: { 'Idempotency-Key': voidKey.current }, body: {} }));
    } catch (err) {
      setError(err);
    }
  }

  const rows: string[] = [place.merchantName, `${place.storeName} · ${place.tillName}`];
  if (p.cashier) rows.push(`${t('terminal.cashier')}: ${p.cashier.name}`);
  rows.push(`${t('terminal.receiptNo')}: ${p.receiptNumber}`, formatDateTime(p.occurredAt, locale, place.timeZone), '');
  for (const l of p.lines) {
    const name = l.description || l.sku;
    rows.push(l.category ? `${name} (${l.category})` : name);
    rows.push(`  ${quantityText(l, money, locale)} = ${money(l.amountMinor)}`);
  }
  rows.push('', `${t('terminal.totalLabel')}: ${money(p.totalMinor)}`);
  // Each offer the sale applied, by its name, with what it took off or gave.
  for (const o of receipt.appliedOffers ?? []) {
    const gave = [o.discountMinor > 0 ? `−${money(o.discountMinor)}` : '', o.points > 0 ? `+${t('terminal.bonusPoints', { points: formatNumber(o.points, locale) })}` : ''].filter(Boolean).join(' ');
    rows.push(`${o.name}: ${gave}`);
  }
  // Every coupon scanned, so the shopper sees why one did not count.
  for (const c of receipt.codes ?? []) rows.push(`${t('terminal.coupon')} ${c.code}: ${c.status === 'applied' ? t('terminal.couponApplied') : t('terminal.couponRefused')}`);
  if (p.discountMinor > 0) rows.push(`${t('terminal.discounts')}: −${money(p.discountMinor)}`);
  // Coupons for the next visit the sale earned: what they are worth, when they count, and the code to bring.
  if (!voided) {
    for (const c of receipt.coupons ?? []) {
      rows.push(t('terminal.couponIssued', { amount: money(c.amountOffMinor), from: formatDate(c.validFrom, locale), until: formatDate(c.validUntil, locale) }), `  ${c.code}`);
    }
  }
  if (p.pointsRedeemed > 0) rows.push(`${t('terminal.pointsPaid', { points: formatNumber(p.pointsRedeemed, locale) })}: −${money(p.redeemValueMinor)}`);
  rows.push(`${t('terminal.payable')}: ${money(p.payableMinor)}`);
  if (p.memberId) {
    rows.push('', `${t('terminal.member')}: ${memberName ?? ''}${memberNumber ? ` (${memberNumber})` : ''}`);
    rows.push(`${t('terminal.pointsEarned')}: ${formatNumber(p.pointsEarned, locale)}`);
    if (receipt.balance) rows.push(`${t('points.available')}: ${formatNumber(receipt.balance.available, locale)}`);
    if (receipt.pointsPendingUntil) rows.push(t('terminal.pendingUntil', { date: formatDate(receipt.pointsPendingUntil, locale, place.timeZone) }));
  } else if (receipt.claimCode && !voided) {
    rows.push('', t('terminal.claimCode', { code: receipt.claimCode }));
  }
  if (receipt.feedbackUrl && !voided) rows.push('', `${t('feedback.receiptLink')}:`, receipt.feedbackUrl);
  if (voided) {
    rows.push('', t('terminal.voidedBy', { name: voided.cashier?.name ?? '—' }));
    if (voided.pointsReversed > 0) rows.push(`${t('terminal.pointsReversed')}: ${formatNumber(voided.pointsReversed, locale)}`);
    if (voided.pointsRestored > 0) rows.push(`${t('terminal.pointsRestored')}: ${formatNumber(voided.pointsRestored, locale)}`);
    if (voided.balance) rows.push(`${t('points.available')}: ${formatNumber(voided.balance.available, locale)}`);
  }
  return (
    <section className="card" aria-labelledby="receipt-title">
      <div className="no-print">
        {voided ? <Notice kind="warn">{t('terminal.saleVoided')}</Notice> : <Notice>{t('terminal.saleDone')}</Notice>}
        <TillError error={error} money={money} />
      </div>
      <h2 id="receipt-title" className="no-print">
        {t('terminal.receipt')}
      </h2>
      <div className="slip" data-testid="receipt">
        {rows.join('\n')}
        {receipt.feedbackUrl && !voided && (
          <div className="receipt-qr" data-testid="receipt-feedback-qr">
            <CardQr value={receipt.feedbackUrl} label={t('feedback.receiptLink')} />
          </div>
        )}
      </div>
      <div className="row no-print">
        <button type="button" className="btn btn-big" onClick={() => window.print()}>
          {t('terminal.print')}
        </button>
        <button type="button" className="btn btn-primary btn-big" onClick={onNext} autoFocus>
          {t('terminal.nextCustomer')}
        </button>
        {!voided && (
          <ConfirmButton className="btn btn-danger btn-big" label={t('terminal.voidSale')} question={t('terminal.voidQuestion', { receipt: p.receiptNumber })} confirmLabel={t('terminal.voidSale')} onConfirm={voidSale} />
        )}
      </div>
    </section>
  );
}

/** The return slip, in the same words. */
export function ReturnSlip({ result, receiptNumber, money, place }: { result: ReturnReceipt; receiptNumber: string; money: (minor: number) => string; place: ReceiptPlace }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows: string[] = [place.merchantName, `${place.storeName} · ${place.tillName}`];
  if (result.cashier) rows.push(`${t('terminal.cashier')}: ${result.cashier.name}`);
  rows.push(`${t('terminal.returnFor', { receipt: receiptNumber })}`, formatDateTime(new Date().toISOString(), locale, place.timeZone), '');
  rows.push(`${t('terminal.refund')}: ${money(result.refundMinor)}`);
  if (result.cashRefundMinor !== result.refundMinor) rows.push(`${t('terminal.cashRefund')}: ${money(result.cashRefundMinor)}`);
  if (result.pointsReversed > 0) rows.push(`${t('terminal.pointsReversed')}: ${formatNumber(result.pointsReversed, locale)}`);
  if (result.pointsRestored > 0) rows.push(`${t('terminal.pointsRestored')}: ${formatNumber(result.pointsRestored, locale)}`);
  if (result.balance) rows.push(`${t('points.available')}: ${formatNumber(result.balance.available, locale)}`);
  return (
    <div className="slip" data-testid="return-receipt">
      {rows.join('\n')}
    </div>
  );
}
