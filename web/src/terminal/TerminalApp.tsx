import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fieldErrors, newIdempotencyKey } from '../api/client';
import { TERMINAL_SIGNED_OUT, terminalSession, terminalSlot, useStored, type TerminalTokenAnswer } from '../api/sessions';
import { currencyDigits, formatDate, formatMoney, formatNumber, minorToInput, parseMoney, parseQuantity } from '../format';
import { applyPreferredLanguage, useLocale } from '../i18n';
import { Checkbox, ErrorBanner, Field, LanguageSwitcher, Notice, useLoad } from '../ui/kit';
import { CameraScanner, WedgeScanner } from './scanner';
import type { BasketEvaluation, BasketLine, MemberSummary, PurchaseReceipt, ReturnReceipt } from './till-types';

interface Me {
  kind: 'terminal';
  merchant: { id: string; name: string; currency: string; timeZone: string; locale: string };
  terminal: { id: string; name: string; storeId: string };
}

/** The cashier terminal: signs in with the till's API key, then runs sales until signed out. */
export default function TerminalApp() {
  const state = useStored(terminalSlot);
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('terminal.title')} · Tally`;
  }, [t]);
  return <div className="till">{state ? <Till /> : <TerminalSignIn />}</div>;
}

function TerminalSignIn() {
  const { t } = useTranslation();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<unknown>(() =>
    sessionStorage.getItem(TERMINAL_SIGNED_OUT) ? new ApiError('INVALID_TOKEN', 'signed out', 401) : null,
  );
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<TerminalTokenAnswer>('/v1/auth/terminal-token', { body: { apiKey: apiKey.trim() } });
      sessionStorage.removeItem(TERMINAL_SIGNED_OUT);
      terminalSlot.set({ accessToken: answer.accessToken, apiKey: apiKey.trim(), terminal: answer.terminal });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <header className="topbar">
        <span className="brand">Tally · {t('terminal.title')}</span>
        <span className="spacer" />
        <LanguageSwitcher />
      </header>
      <main className="narrow">
        <h1>{t('terminal.signInTitle')}</h1>
        <p>{t('terminal.signInIntro')}</p>
        <TillError error={error} />
        <form className="card stack" onSubmit={submit}>
          <Field label={t('terminal.apiKey')} value={apiKey} onChange={(e) => setApiKey(e.target.value)} required autoComplete="off" autoFocus />
          <button type="submit" className="btn btn-primary btn-big">
            {t('terminal.signIn')}
          </button>
        </form>
      </main>
    </>
  );
}

type Mode = 'idle' | 'enrol' | 'return';

interface Draft {
  kind: 'total' | 'lines';
  total: string;
  lines: { sku: string; description: string; quantity: string; price: string }[];
  redeem: string;
}

const emptyDraft = (): Draft => ({ kind: 'total', total: '', lines: [{ sku: '', description: '', quantity: '1', price: '' }], redeem: '' });

/** A sale keeps its receipt number and Idempotency-Key from the first commit attempt until it succeeds. */
interface PendingSale {
  bodyJson: string;
  key: string;
  receiptNumber: string;
}

const RECENT_KEY = 'tally.terminal.recent';
type RecentSale = Pick<PurchaseReceipt['purchase'], 'id' | 'receiptNumber' | 'totalMinor' | 'occurredAt' | 'lines'>;

function recentSales(): RecentSale[] {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as RecentSale[];
  } catch {
    return [];
  }
}

function rememberSale(p: PurchaseReceipt['purchase']): void {
  const list = [{ id: p.id, receiptNumber: p.receiptNumber, totalMinor: p.totalMinor, occurredAt: p.occurredAt, lines: p.lines }, ...recentSales()];
  localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 50)));
}

function newReceiptNumber(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `W${stamp}-${Math.floor(Math.random() * 1e4)
    .toString()
    .padStart(4, '0')}`;
}

function Till() {
  const { t } = useTranslation();
  const locale = useLocale();
  const state = useStored(terminalSlot);
  const me = useLoad((signal) => api<Me>('/v1/auth/me', { session: terminalSession, signal }), [state?.terminal.id]);
  const currency = me.data?.merchant.currency ?? 'USD';
  const digits = currencyDigits(currency);
  const money = (minor: number) => formatMoney(minor, currency, locale);

  const [mode, setMode] = useState<Mode>('idle');
  const [camera, setCamera] = useState(false);
  const [member, setMember] = useState<MemberSummary | null>(null);
  const [anonymous, setAnonymous] = useState(false);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [evaluation, setEvaluation] = useState<BasketEvaluation | null>(null);
  const [receipt, setReceipt] = useState<PurchaseReceipt | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [lookup, setLookup] = useState('');
  const pending = useRef<PendingSale | null>(null);
  const basketFirst = useRef<HTMLInputElement>(null);

  useEffect(() => applyPreferredLanguage(me.data?.merchant.locale), [me.data?.merchant.locale]);

  const reset = useCallback(() => {
    setMember(null);
    setAnonymous(false);
    setDraft(emptyDraft());
    setEvaluation(null);
    setReceipt(null);
    setError(null);
    setLookup('');
    setMode('idle');
    pending.current = null;
  }, []);

  const showMember = useCallback((summary: MemberSummary) => {
    setReceipt(null);
    setEvaluation(null);
    setAnonymous(false);
    setMember(summary);
    setMode('idle');
    pending.current = null;
    // The cashier goes straight on to the amount.
    window.setTimeout(() => basketFirst.current?.focus(), 0);
  }, []);

  const scan = useCallback(
    async (code: string) => {
      setCamera(false);
      setError(null);
      setBusy(true);
      try {
        showMember(await api<MemberSummary>(`/v1/pos/cards/${encodeURIComponent(code.trim())}`, { session: terminalSession }));
      } catch (err) {
        setMember(null);
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [showMember],
  );

  async function find(e: FormEvent) {
    e.preventDefault();
    const text = lookup.trim();
    if (!text) return;
    setError(null);
    // A leading + or a long number is a phone; a short number is the member number said aloud.
    const query = /^\+/.test(text) || text.replace(/\D/g, '').length > 8 ? { phone: text } : { number: text };
    try {
      showMember(await api<MemberSummary>('/v1/pos/members', { session: terminalSession, query }));
    } catch (err) {
      setError(err);
    }
  }

  function basketLines(): BasketLine[] | null {
    if (draft.kind === 'total') {
      const amount = parseMoney(draft.total, digits);
      if (amount === null || amount <= 0) return null;
      return [{ sku: 'TOTAL', quantity: 1000, unitPriceMinor: amount }];
    }
    const lines: BasketLine[] = [];
    for (const l of draft.lines) {
      if (!l.sku.trim() && !l.price.trim()) continue;
      const quantity = parseQuantity(l.quantity);
      const price = parseMoney(l.price, digits);
      if (!l.sku.trim() || quantity === null || price === null) return null;
      lines.push({ sku: l.sku.trim(), quantity, unitPriceMinor: price, ...(l.description.trim() ? { description: l.description.trim() } : {}) });
    }
    return lines.length ? lines : null;
  }

  function basketBody() {
    const lines = basketLines();
    if (!lines) return null;
    const redeem = Number(draft.redeem || '0');
    return {
      ...(member ? { memberId: member.member.id } : {}),
      lines,
      ...(member && redeem > 0 ? { redeemPoints: redeem } : {}),
    };
  }

  async function evaluate(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    const body = basketBody();
    if (!body) {
      setError(new ApiError('BASKET_INVALID', t('terminal.basketInvalid'), 400));
      return;
    }
    try {
      setEvaluation(await api<BasketEvaluation>('/v1/pos/baskets/evaluate', { session: terminalSession, body }));
    } catch (err) {
      setEvaluation(null);
      setError(err);
    }
  }

  async function commit() {
    const body = basketBody();
    if (!body) return;
    const bodyJson = JSON.stringify(body);
    // Same basket → same key and receipt number, so a retry after a lost answer is a replay, not a second sale.
    if (!pending.current || pending.current.bodyJson !== bodyJson) {
      pending.current = { bodyJson, key: newIdempotencyKey('web'), receiptNumber: newReceiptNumber() };
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api<PurchaseReceipt>('/v1/pos/purchases', {
        session: terminalSession,
        headers: { 'Idempotency-Key': pending.current.key },
        body: {
          ...body,
          receiptNumber: pending.current.receiptNumber,
          occurredAt: new Date().toISOString(),
          ...(member ? { expectedBalance: member.points.available } : {}),
        },
      });
      pending.current = null;
      rememberSale(answer.purchase);
      setReceipt(answer);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.code === 'BALANCE_CHANGED' && member) {
        // Show the balance as it is now; the cashier checks the redemption and commits again.
        const fresh = await api<MemberSummary>('/v1/pos/members', { session: terminalSession, query: { number: member.member.memberNumber } }).catch(() => null);
        if (fresh) setMember(fresh);
        pending.current = null;
      }
    } finally {
      setBusy(false);
    }
  }

  const scannerActive = mode === 'idle' && !camera && !busy;
  const selling = member !== null || anonymous;

  return (
    <>
      <a className="skip no-print" href="#till-main">
        {t('common.skipToContent')}
      </a>
      <header className="topbar no-print">
        <span className="brand">Tally · {t('terminal.title')}</span>
        <span>
          {me.data?.merchant.name} — {state?.terminal.name}
        </span>
        <span className="spacer" />
        <WedgeScanner onScan={scan} active={scannerActive} />
        <LanguageSwitcher />
        <button type="button" className="linkish" onClick={() => terminalSlot.set(null)}>
          {t('common.signOut')}
        </button>
      </header>
      <main id="till-main" tabIndex={-1}>
        <TillError error={error} />
        {receipt ? (
          <ReceiptSlip receipt={receipt} money={money} onNext={reset} merchantName={me.data?.merchant.name ?? ''} />
        ) : mode === 'enrol' ? (
          <Enrol onDone={showMember} onCancel={() => setMode('idle')} />
        ) : mode === 'return' ? (
          <Return money={money} digits={digits} onDone={reset} />
        ) : (
          <>
            <div className="card row no-print">
              <form className="row" style={{ flex: 2 }} onSubmit={find}>
                <Field label={t('terminal.findLabel')} value={lookup} onChange={(e) => setLookup(e.target.value)} inputMode="tel" autoComplete="off" />
                <button type="submit" className="btn btn-big">
                  {t('terminal.find')}
                </button>
              </form>
              <button type="button" className="btn btn-big" onClick={() => setCamera((c) => !c)}>
                {t('terminal.camera')}
              </button>
              <button type="button" className="btn btn-big" onClick={() => setMode('enrol')}>
                {t('terminal.enrol')}
              </button>
              <button type="button" className="btn btn-big" onClick={() => setMode('return')}>
                {t('terminal.return')}
              </button>
              {!selling && (
                <button type="button" className="btn btn-big" onClick={() => setAnonymous(true)}>
                  {t('terminal.noCard')}
                </button>
              )}
            </div>
            {camera && <CameraScanner onScan={scan} onClose={() => setCamera(false)} />}
            {!selling && <p className="muted">{t('terminal.idleHint')}</p>}
            {selling && (
              <div className="till-grid">
                <MemberPanel member={member} locale={locale} onClear={reset} />
                <section className="card" aria-labelledby="basket-title">
                  <h2 id="basket-title">{t('terminal.basket')}</h2>
                  <form className="stack" onSubmit={evaluate}>
                    <div className="row" role="radiogroup" aria-label={t('terminal.basketKind')}>
                      {(['total', 'lines'] as const).map((k) => (
                        <label key={k} className="check">
                          <input type="radio" name="kind" checked={draft.kind === k} onChange={() => setDraft({ ...draft, kind: k })} />
                          {t(`terminal.kind.${k}`)}
                        </label>
                      ))}
                    </div>
                    {draft.kind === 'total' ? (
                      <Field
                        ref={basketFirst}
                        label={t('terminal.total', { currency })}
                        value={draft.total}
                        onChange={(e) => {
                          setDraft({ ...draft, total: e.target.value });
                          setEvaluation(null);
                        }}
                        inputMode="decimal"
                        autoComplete="off"
                        placeholder={minorToInput(0, digits)}
                      />
                    ) : (
                      <LinesEditor draft={draft} setDraft={(d) => (setDraft(d), setEvaluation(null))} currency={currency} />
                    )}
                    {member && (
                      <Field
                        label={t('terminal.redeem', { available: formatNumber(member.points.available, locale) })}
                        value={draft.redeem}
                        onChange={(e) => {
                          setDraft({ ...draft, redeem: e.target.value.replace(/\D/g, '') });
                          setEvaluation(null);
                        }}
                        inputMode="numeric"
                        autoComplete="off"
                      />
                    )}
                    <button type="submit" className="btn btn-big">
                      {t('terminal.calculate')}
                    </button>
                  </form>
                  {evaluation && (
                    <>
                      <table className="totals">
                        <tbody>
                          <tr>
                            <td>{t('terminal.totalLabel')}</td>
                            <td className="num">{money(evaluation.totalMinor)}</td>
                          </tr>
                          {evaluation.pointsToRedeem > 0 && (
                            <tr>
                              <td>{t('terminal.pointsPaid', { points: formatNumber(evaluation.pointsToRedeem, locale) })}</td>
                              <td className="num">−{money(evaluation.redeemValueMinor)}</td>
                            </tr>
                          )}
                          <tr className="payable">
                            <td>{t('terminal.payable')}</td>
                            <td className="num" data-testid="payable">
                              {money(evaluation.payableMinor)}
                            </td>
                          </tr>
                          {member && (
                            <tr>
                              <td>{t('terminal.pointsToEarn')}</td>
                              <td className="num" data-testid="points-to-earn">
                                {formatNumber(evaluation.pointsToEarn, locale)}
                              </td>
                            </tr>
                          )}
                        </tbody>
                      </table>
                      <button type="button" className="btn btn-primary btn-big" onClick={commit} disabled={busy} autoFocus>
                        {t('terminal.complete')}
                      </button>
                    </>
                  )}
                </section>
              </div>
            )}
          </>
        )}
      </main>
    </>
  );
}

/** Till errors are big and say what to do: a blocked card, an unknown card, a server that is down. */
function TillError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'UNKNOWN';
  const advice = t(`terminal.advice.${code}`, { defaultValue: '' });
  return (
    <div className="till-error">
      <ErrorBanner error={error} />
      {advice && <p className="muted">{advice}</p>}
    </div>
  );
}

function MemberPanel({ member, locale, onClear }: { member: MemberSummary | null; locale: string; onClear: () => void }) {
  const { t } = useTranslation();
  if (!member) {
    return (
      <section className="card" aria-label={t('terminal.anonymous')}>
        <h2>{t('terminal.anonymous')}</h2>
        <button type="button" className="btn" onClick={onClear}>
          {t('common.cancel')}
        </button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="member-name" data-testid="member-panel">
      <div id="member-name" className="member-name">
        {member.member.name}
      </div>
      <p className="muted">
        {t('terminal.memberNumber')}: {member.member.memberNumber}
        {member.tier && (
          <>
            {' · '}
            <span className="tag">{member.tier.name}</span>
          </>
        )}
        {member.member.status !== 'active' && <span className="tag tag-danger"> {t(`memberStatus.${member.member.status}`)}</span>}
      </p>
      <div className="grid">
        <div>
          <div className="muted">{t('points.available')}</div>
          <div className="points-big" data-testid="available-points">
            {formatNumber(member.points.available, locale)}
          </div>
        </div>
        <div>
          <div className="muted">{t('points.pending')}</div>
          <div className="points-big">{formatNumber(member.points.pending, locale)}</div>
        </div>
      </div>
      {member.points.expiringSoon && (
        <Notice kind="warn">
          {t('points.expiringOn', { points: formatNumber(member.points.expiringSoon.points, locale), date: formatDate(member.points.expiringSoon.expiresAt, locale) })}
        </Notice>
      )}
      <h3>{t('terminal.offers')}</h3>
      {member.offers.length === 0 ? <p className="muted">{t('terminal.noOffers')}</p> : null}
      {member.completeness.missing.length > 0 && (
        <p className="muted">{t('terminal.askFor', { fields: member.completeness.missing.map((f) => t(`profileField.${f}`, { defaultValue: f })).join(', ') })}</p>
      )}
      <button type="button" className="btn" onClick={onClear}>
        {t('terminal.clear')}
      </button>
    </section>
  );
}

function LinesEditor({ draft, setDraft, currency }: { draft: Draft; setDraft: (d: Draft) => void; currency: string }) {
  const { t } = useTranslation();
  const update = (i: number, patch: Partial<Draft['lines'][number]>) =>
    setDraft({ ...draft, lines: draft.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  return (
    <div className="stack">
      {draft.lines.map((l, i) => (
        <fieldset key={i} className="row">
          <legend className="sr-only">{t('terminal.lineN', { n: i + 1 })}</legend>
          <Field label={t('terminal.sku')} value={l.sku} onChange={(e) => update(i, { sku: e.target.value })} autoComplete="off" />
          <Field label={t('terminal.description')} value={l.description} onChange={(e) => update(i, { description: e.target.value })} autoComplete="off" />
          <Field label={t('terminal.quantity')} value={l.quantity} onChange={(e) => update(i, { quantity: e.target.value })} inputMode="decimal" style={{ maxWidth: '6rem' }} />
          <Field label={t('terminal.unitPrice', { currency })} value={l.price} onChange={(e) => update(i, { price: e.target.value })} inputMode="decimal" />
        </fieldset>
      ))}
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, lines: [...draft.lines, { sku: '', description: '', quantity: '1', price: '' }] })}>
        {t('terminal.addLine')}
      </button>
    </div>
  );
}

function ReceiptSlip({ receipt, money, onNext, merchantName }: { receipt: PurchaseReceipt; money: (m: number) => string; onNext: () => void; merchantName: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const p = receipt.purchase;
  return (
    <section className="card" aria-labelledby="receipt-title">
      <Notice>{t('terminal.saleDone')}</Notice>
      <h2 id="receipt-title" className="no-print">
        {t('terminal.receipt')}
      </h2>
      <div className="slip" data-testid="receipt">
        <strong>{merchantName}</strong>
        {'\n'}
        {t('terminal.receiptNo')}: {p.receiptNumber}
        {'\n'}
        {new Date(p.occurredAt).toLocaleString(locale)}
        {'\n\n'}
        {t('terminal.totalLabel')}: {money(p.totalMinor)}
        {'\n'}
        {p.pointsRedeemed > 0 && `${t('terminal.pointsPaid', { points: p.pointsRedeemed })}: −${money(p.redeemValueMinor)}\n`}
        {t('terminal.payable')}: {money(p.payableMinor)}
        {'\n'}
        {p.memberId && `${t('terminal.pointsEarned')}: ${formatNumber(p.pointsEarned, locale)}\n`}
        {receipt.balance && `${t('points.available')}: ${formatNumber(receipt.balance.available, locale)}\n`}
        {receipt.pointsPendingUntil && `${t('terminal.pendingUntil', { date: formatDate(receipt.pointsPendingUntil, locale) })}\n`}
        {receipt.receiptText.length > 0 && `\n${receipt.receiptText.join('\n')}`}
      </div>
      <div className="row no-print">
        <button type="button" className="btn btn-big" onClick={() => window.print()}>
          {t('terminal.print')}
        </button>
        <button type="button" className="btn btn-primary btn-big" onClick={onNext} autoFocus>
          {t('terminal.nextCustomer')}
        </button>
      </div>
    </section>
  );
}

interface EnrolAnswer {
  member: { id: string; memberNumber: string };
}

/** Enrolment in one short form: a first name and a phone or e-mail is enough. */
function Enrol({ onDone, onCancel }: { onDone: (m: MemberSummary) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ firstName: '', phone: '', email: '', cardCode: '', marketingSms: false, marketingEmail: false });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<EnrolAnswer>('/v1/pos/members', {
        session: terminalSession,
        body: {
          firstName: form.firstName.trim(),
          ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
          ...(form.email.trim() ? { email: form.email.trim() } : {}),
          ...(form.cardCode.trim() ? { cardCode: form.cardCode.trim() } : {}),
          consents: { marketingSms: form.marketingSms, marketingEmail: form.marketingEmail },
        },
      });
      onDone(await api<MemberSummary>('/v1/pos/members', { session: terminalSession, query: { number: answer.member.memberNumber } }));
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t('terminal.enrol')}</h2>
      <ErrorBanner error={error} />
      <form className="stack" onSubmit={submit}>
        <Field label={t('profile.firstName')} value={form.firstName} onChange={(e) => setForm({ ...form, firstName: e.target.value })} required autoFocus error={fields.firstName} />
        <div className="row">
          <Field label={t('profile.phone')} type="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} error={fields.phone} />
          <Field label={t('common.email')} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={fields.email} />
        </div>
        <Field label={t('terminal.cardToAttach')} value={form.cardCode} onChange={(e) => setForm({ ...form, cardCode: e.target.value })} hint={t('terminal.cardToAttachHint')} error={fields.cardCode} autoComplete="off" />
        <Checkbox label={t('consents.marketingSms')} checked={form.marketingSms} onChange={(v) => setForm({ ...form, marketingSms: v })} />
        <Checkbox label={t('consents.marketingEmail')} checked={form.marketingEmail} onChange={(v) => setForm({ ...form, marketingEmail: v })} />
        <div className="row">
          <button type="submit" className="btn btn-primary btn-big">
            {t('terminal.enrolSubmit')}
          </button>
          <button type="button" className="btn btn-big" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A return against a sale made on this till (its recent sales are kept on the till). */
function Return({ money, digits, onDone }: { money: (m: number) => string; digits: number; onDone: () => void }) {
  const { t } = useTranslation();
  const [receiptNumber, setReceiptNumber] = useState('');
  const [sale, setSale] = useState<RecentSale | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<ReturnReceipt | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = useRef<string | null>(null);

  function findSale(e: FormEvent) {
    e.preventDefault();
    const found = recentSales().find((s) => s.receiptNumber === receiptNumber.trim());
    setSale(found ?? null);
    setError(found ? null : new ApiError('RECEIPT_UNKNOWN', t('terminal.receiptUnknown'), 404));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!sale) return;
    const amountMinor = parseMoney(amount, digits);
    if (!amountMinor) {
      setError(new ApiError('BASKET_INVALID', t('terminal.basketInvalid'), 400));
      return;
    }
    key.current ??= newIdempotencyKey('ret');
    try {
      setResult(
        await api<ReturnReceipt>(`/v1/pos/purchases/${sale.id}/returns`, {
          session: terminalSession,
          headers: { 'Idempotency-Key': key.current },
          body: { amountMinor, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      key.current = null;
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="return-title">
      <h2 id="return-title">{t('terminal.return')}</h2>
      <TillError error={error} />
      {result ? (
        <>
          <Notice>{t('terminal.returnDone', { refund: money(result.refundMinor), points: result.pointsReversed })}</Notice>
          <div className="slip">{result.receiptText.join('\n')}</div>
          <div className="row no-print">
            <button type="button" className="btn btn-big" onClick={() => window.print()}>
              {t('terminal.print')}
            </button>
            <button type="button" className="btn btn-primary btn-big" onClick={onDone} autoFocus>
              {t('terminal.nextCustomer')}
            </button>
          </div>
        </>
      ) : (
        <>
          <form className="row" onSubmit={findSale}>
            <Field label={t('terminal.receiptNo')} value={receiptNumber} onChange={(e) => setReceiptNumber(e.target.value)} autoFocus autoComplete="off" />
            <button type="submit" className="btn btn-big">
              {t('terminal.find')}
            </button>
          </form>
          {sale && (
            <form className="stack" onSubmit={submit}>
              <p>
                {t('terminal.saleOf', { total: money(sale.totalMinor) })} — {new Date(sale.occurredAt).toLocaleString()}
              </p>
              <Field label={t('terminal.refundAmount')} value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" required />
              <Field label={t('terminal.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
              <button type="submit" className="btn btn-primary btn-big">
                {t('terminal.returnSubmit')}
              </button>
            </form>
          )}
          <button type="button" className="btn" onClick={onDone}>
            {t('common.cancel')}
          </button>
        </>
      )}
    </section>
  );
}
