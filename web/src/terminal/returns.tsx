import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newIdempotencyKey } from '../api/client';
import { terminalSession } from '../api/sessions';
import { formatDateTime, formatNumber, parseMoney, parseQuantity } from '../format';
import { useLocale } from '../i18n';
import { Field, Notice, useLoad } from '../ui/kit';
import { ReturnSlip, type ReceiptPlace } from './receipt';
import { TillError } from './till-error';
import type { MemberSummary, PurchaseReceipt, ReturnReceipt } from './till-types';

type Sale = PurchaseReceipt['purchase'];

/** Midnight to midnight of a local date (YYYY-MM-DD) on this till, as the server's from/to. */
function dayBounds(date: string): { from: string; to: string } {
  const [y, m, d] = date.split('-').map(Number);
  return { from: new Date(y, m - 1, d).toISOString(), to: new Date(y, m - 1, d + 1).toISOString() };
}

/** "1.5" from 1500 thousandths, for the quantity field. */
function quantityInput(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3);
}

/**
 * A return as a shop does it: find the sale by its receipt number (the POS's
 * own too), by member or by day; tick the lines coming back (or give an
 * amount); the refund and the points taken back are shown in money and points.
 */
export function Return({ money, digits, place, onDone }: { money: (m: number) => string; digits: number; place: ReceiptPlace; onDone: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [search, setSearch] = useState({ receiptNumber: '', member: '', date: '' });
  const [query, setQuery] = useState<Record<string, string>>({});
  const [sale, setSale] = useState<Sale | null>(null);
  const [picked, setPicked] = useState<Record<number, string>>({});
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<ReturnReceipt | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = useRef<string | null>(null);
  // Without a search: the store's latest sales, newest first.
  const found = useLoad((signal) => api<{ items: Sale[] }>('/v1/pos/purchases', { session: terminalSession, signal, query }), [JSON.stringify(query)]);

  // A receipt number names one sale: open it at once.
  const only = query.receiptNumber && found.data?.items.length === 1 ? found.data.items[0] : null;
  useEffect(() => {
    if (only && only.status !== 'voided') choose(only);
  }, [only?.id]);

  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSale(null);
    const next: Record<string, string> = {};
    if (search.receiptNumber.trim()) next.receiptNumber = search.receiptNumber.trim();
    if (search.member.trim()) {
      const text = search.member.trim();
      const lookup = /^\+/.test(text) || text.replace(/\D/g, '').length > 8 ? { phone: text } : { number: text };
      try {
        next.memberId = (await api<MemberSummary>('/v1/pos/members', { session: terminalSession, query: lookup })).member.id;
      } catch (err) {
        setError(err);
        return;
      }
    }
    if (search.date) Object.assign(next, dayBounds(search.date));
    setQuery(next);
  }

  function choose(s: Sale) {
    setSale(s);
    setPicked({});
    setAmount('');
    setError(null);
    key.current = null;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!sale) return;
    const lines: { lineNo: number; quantity: number }[] = [];
    for (const [lineNo, text] of Object.entries(picked)) {
      const quantity = parseQuantity(text);
      if (quantity === null) return setError(new ApiError('BASKET_INVALID', 'quantity', 400));
      lines.push({ lineNo: Number(lineNo), quantity });
    }
    const amountMinor = lines.length ? null : parseMoney(amount, digits);
    if (!lines.length && !amountMinor) return setError(new ApiError('RETURN_NOTHING', 'nothing picked', 400));
    key.current ??= newIdempotencyKey('ret');
    try {
      const body = { ...(lines.length ? { lines } : { amountMinor }), ...(reason.trim() ? { reason: reason.trim() } : {}) };
      const answer = await api<ReturnReceipt>(`/v1/pos/purchases/${sale.id}/returns`, { session: terminalSession, headers: { 'Idempotency-Key': key.current }, body });
      key.current = null;
      // The success stands alone: no error from an earlier try next to it.
      setError(null);
      setResult(answer);
    } catch (err) {
      setError(err);
    }
  }

  if (result && sale) {
    return (
      <section className="card" aria-labelledby="return-title">
        <h2 id="return-title" className="no-print">
          {t('terminal.return')}
        </h2>
        <div className="no-print">
          <Notice>{t('terminal.returnDone', { refund: money(result.refundMinor), points: formatNumber(result.pointsReversed, locale) })}</Notice>
        </div>
        <ReturnSlip result={result} receiptNumber={sale.receiptNumber} money={money} place={place} />
        <div className="row no-print">
          <button type="button" className="btn btn-big" onClick={() => window.print()}>
            {t('terminal.print')}
          </button>
          <button type="button" className="btn btn-primary btn-big" onClick={onDone} autoFocus>
            {t('terminal.nextCustomer')}
          </button>
        </div>
      </section>
    );
  }

  const left = sale ? sale.totalMinor - sale.refundedMinor : 0;
  return (
    <section className="card" aria-labelledby="return-title">
      <h2 id="return-title">{t('terminal.return')}</h2>
      <TillError error={error} money={money} />
      <form className="row" onSubmit={find} role="search">
        <Field label={t('terminal.receiptNo')} value={search.receiptNumber} onChange={(e) => setSearch({ ...search, receiptNumber: e.target.value })} autoFocus autoComplete="off" />
        <Field label={t('terminal.findLabel')} value={search.member} onChange={(e) => setSearch({ ...search, member: e.target.value })} inputMode="tel" autoComplete="off" />
        <Field label={t('terminal.saleDate')} type="date" value={search.date} onChange={(e) => setSearch({ ...search, date: e.target.value })} />
        <button type="submit" className="btn btn-big">
          {t('terminal.find')}
        </button>
      </form>
      {!sale && (
        <>
          <h3>{Object.keys(query).length ? t('terminal.salesFound') : t('terminal.recentSales')}</h3>
          {found.data && found.data.items.length === 0 && <p className="muted">{t('terminal.noSalesFound')}</p>}
          <ul className="sale-list">
            {found.data?.items.map((s) => (
              <li key={s.id}>
                <button type="button" className="btn sale-choice" onClick={() => choose(s)} disabled={s.status === 'voided'}>
                  <span>{s.receiptNumber}</span>
                  <span>{formatDateTime(s.occurredAt, locale, place.timeZone)}</span>
                  <span className="num">{money(s.totalMinor)}</span>
                  {s.status === 'voided' && <span className="tag tag-danger">{t('portal.voided')}</span>}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {sale && (
        <form className="stack" onSubmit={submit}>
          <p>
            <strong>{sale.receiptNumber}</strong> — {formatDateTime(sale.occurredAt, locale, place.timeZone)} — {t('terminal.saleOf', { total: money(sale.totalMinor) })}
            {sale.refundedMinor > 0 && ` · ${t('terminal.leftToRefund', { left: money(left) })}`}
          </p>
          <fieldset className="stack return-lines">
            <legend>{t('terminal.pickLines')}</legend>
            {sale.lines.map((l) => {
              const remaining = l.quantity - l.returnedQuantity;
              const on = picked[l.lineNo] !== undefined;
              return (
                <div key={l.lineNo} className="row return-line">
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={remaining <= 0}
                      onChange={(e) => {
                        const next = { ...picked };
                        if (e.target.checked) next[l.lineNo] = quantityInput(remaining);
                        else delete next[l.lineNo];
                        setPicked(next);
                      }}
                    />
                    {l.description || l.sku} · {money(l.amountMinor)}
                  </label>
                  {on && (
                    <Field
                      label={t('terminal.returnQuantity', { max: quantityInput(remaining) })}
                      value={picked[l.lineNo]}
                      onChange={(e) => setPicked({ ...picked, [l.lineNo]: e.target.value })}
                      inputMode="decimal"
                      style={{ maxWidth: '7rem' }}
                    />
                  )}
                </div>
              );
            })}
          </fieldset>
          {Object.keys(picked).length === 0 && (
            <Field label={t('terminal.refundAmount')} hint={t('terminal.refundAmountHint', { left: money(left) })} value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" />
          )}
          <Field label={t('terminal.reason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
          <div className="row">
            <button type="submit" className="btn btn-primary btn-big">
              {t('terminal.returnSubmit')}
            </button>
            <button type="button" className="btn btn-big" onClick={() => setSale(null)}>
              {t('terminal.otherSale')}
            </button>
          </div>
        </form>
      )}
      <button type="button" className="btn no-print" onClick={onDone}>
        {t('common.cancel')}
      </button>
    </section>
  );
}
