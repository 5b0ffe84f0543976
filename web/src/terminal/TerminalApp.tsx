import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fieldErrors, newIdempotencyKey } from '../api/client';
import { terminalSession, terminalSlot, useStored, type CashierRef } from '../api/sessions';
import { currencyDigits, formatDate, formatMoney, formatNumber, minorToInput, parseMoney, parseQuantity } from '../format';
import { applyPreferredLanguage, useLocale } from '../i18n';
import { Checkbox, ErrorBanner, Field, LanguageSwitcher, Notice, useLoad } from '../ui/kit';
import { agoWords, rhythmWords } from '../ui/rhythm';
import { cardDigits, looksLikeCard } from './card-shape';
import { ConnectionStatus, useServerReachable } from './connection';
import { CouponCodes } from './coupons';
import { TillRewards } from './rewards';
import { CashierSignIn, TerminalSignIn, useCashiers } from './pairing';
import { ReceiptSlip, type ReceiptPlace } from './receipt';
import { Return } from './returns';
import { CameraScanner, WedgeScanner } from './scanner';
import { ProductAdd } from './products';
import { TillError } from './till-error';
import type { BasketEvaluation, BasketLine, MemberSummary, PurchaseReceipt, TillProduct } from './till-types';

interface Me {
  kind: 'terminal';
  merchant: { id: string; name: string; currency: string; timeZone: string; locale: string };
  terminal: { id: string; name: string; storeId: string };
  store: { id: string; code: string; name: string };
  cashier: CashierRef | null;
}

/** The cashier terminal: paired once from the back office, then a cashier signs in with a PIN and sells. */
export default function TerminalApp() {
  const state = useStored(terminalSlot);
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('terminal.title')} · Tally`;
  }, [t]);
  return <div className="till">{state ? <Till /> : <TerminalSignIn />}</div>;
}

type Mode = 'idle' | 'enrol' | 'return';

interface DraftLine {
  sku: string;
  description: string;
  category: string;
  quantity: string;
  price: string;
  /** Set when the line came from the catalogue: its category is the product's, shown rather than chosen. */
  product?: { category: string | null; earnsPoints: boolean };
}

interface Draft {
  kind: 'total' | 'lines';
  total: string;
  lines: DraftLine[];
  redeem: string;
  /** Coupon codes scanned or typed, normalised. */
  codes: string[];
}

const emptyLine = (): DraftLine => ({ sku: '', description: '', category: '', quantity: '1', price: '' });
const emptyDraft = (): Draft => ({ kind: 'total', total: '', lines: [emptyLine()], redeem: '', codes: [] });

/** A sale keeps its receipt number and Idempotency-Key from the first commit attempt until it succeeds. */
interface PendingSale {
  bodyJson: string;
  key: string;
  receiptNumber: string;
}

function newReceiptNumber(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `W${stamp}-${Math.floor(Math.random() * 1e4)
    .toString()
    .padStart(4, '0')}`;
}

/** quantity × price, rounded half up to the minor unit, as the server prices a line without amountMinor. */
function lineAmount(quantityMilli: number, priceMinor: number): number {
  return Math.floor((quantityMilli * priceMinor + 500) / 1000);
}

function Till() {
  const { t } = useTranslation();
  const locale = useLocale();
  const state = useStored(terminalSlot);
  const me = useLoad((signal) => api<Me>('/v1/auth/me', { session: terminalSession, signal }), [state?.terminal.id, state?.cashier?.id]);
  const cashiers = useCashiers(state?.terminal.id);
  const categories = useLoad((signal) => api<{ categories: string[] }>('/v1/pos/categories', { session: terminalSession, signal }), [state?.terminal.id]);
  const reachable = useServerReachable();
  const currency = me.data?.merchant.currency ?? 'USD';
  const digits = currencyDigits(currency);
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const place: ReceiptPlace = {
    merchantName: me.data?.merchant.name ?? '',
    storeName: me.data?.store.name ?? '',
    tillName: state?.terminal.name ?? '',
    timeZone: me.data?.merchant.timeZone,
  };

  const [mode, setMode] = useState<Mode>('idle');
  const [camera, setCamera] = useState(false);
  const [member, setMember] = useState<MemberSummary | null>(null);
  const [anonymous, setAnonymous] = useState(false);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [evaluation, setEvaluation] = useState<BasketEvaluation | null>(null);
  const [receipt, setReceipt] = useState<{ answer: PurchaseReceipt; member: MemberSummary | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
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
    setNotice(null);
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

  /** Another shopper (or none): nothing of the previous one may stay on screen. */
  const forgetShopper = useCallback(() => {
    setMember(null);
    setAnonymous(false);
    setDraft(emptyDraft());
    setEvaluation(null);
    pending.current = null;
  }, []);

  const scan = useCallback(
    async (code: string) => {
      setCamera(false);
      setError(null);
      setBusy(true);
      try {
        showMember(await api<MemberSummary>(`/v1/pos/cards/${encodeURIComponent(cardDigits(code))}`, { session: terminalSession }));
      } catch (err) {
        forgetShopper();
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [showMember, forgetShopper],
  );

  async function find(e: FormEvent) {
    e.preventDefault();
    const text = lookup.trim();
    if (!text) return;
    setError(null);
    setNotice(null);
    // A leading + or a long number is a phone; a short number is the member number said aloud.
    const query = /^\+/.test(text) || text.replace(/\D/g, '').length > 8 ? { phone: text } : { number: text };
    try {
      showMember(await api<MemberSummary>('/v1/pos/members', { session: terminalSession, query }));
    } catch (err) {
      // An unknown phone is another shopper: the previous one and their basket go.
      forgetShopper();
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
      lines.push({
        sku: l.sku.trim(),
        quantity,
        unitPriceMinor: price,
        ...(l.category ? { category: l.category } : {}),
        ...(l.description.trim() ? { description: l.description.trim() } : {}),
      });
    }
    return lines.length ? lines : null;
  }

  /** What the lines add up to before the server prices them, for the footer. */
  function runningTotal(): number | null {
    const lines = basketLines();
    return lines ? lines.reduce((sum, l) => sum + lineAmount(l.quantity, l.unitPriceMinor), 0) : null;
  }

  function basketBody() {
    const lines = basketLines();
    if (!lines) return null;
    const redeem = Number(draft.redeem || '0');
    return {
      ...(member ? { memberId: member.member.id } : {}),
      lines,
      ...(member && redeem > 0 ? { redeemPoints: redeem } : {}),
      ...(draft.codes.length ? { codes: draft.codes } : {}),
    };
  }

  /**
   * A card scanned while an amount field had focus lands there as digits and
   * an Enter: it is taken as the scan it is (the member is looked up) and the
   * field is emptied, never priced as an amount.
   */
  function cardInAmountField(): string | null {
    const fields = [draft.total, draft.redeem, ...draft.lines.flatMap((l) => [l.price, l.quantity])];
    const card = fields.find((f) => looksLikeCard(f));
    if (!card) return null;
    const clean = (v: string, empty = '') => (v === card ? empty : v);
    setDraft({ ...draft, total: clean(draft.total), redeem: clean(draft.redeem), lines: draft.lines.map((l) => ({ ...l, price: clean(l.price), quantity: clean(l.quantity, '1') })) });
    return card;
  }

  async function evaluate(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    setNotice(null);
    const card = cardInAmountField();
    if (card) {
      setNotice(t('terminal.cardInAmount'));
      await scan(card);
      setNotice(t('terminal.cardInAmount'));
      return;
    }
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
    setNotice(null);
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
      setReceipt({ answer, member });
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

  const changeCashier = useCallback(async () => {
    const current = terminalSlot.get();
    if (!current) return;
    reset();
    // The shift ends on this till: a token without a cashier, then the PIN screen.
    terminalSlot.set({ ...current, cashierToken: null, cashier: null });
    await terminalSession.renew();
  }, [reset]);

  const needsCashier = !state?.cashier && (cashiers.data?.cashiers.length ?? 0) > 0;
  const scannerActive = mode === 'idle' && !camera && !busy && !needsCashier;
  const selling = member !== null || anonymous;
  const total = evaluation ? evaluation.payableMinor : runningTotal();

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
        {state?.cashier && (
          <span className="cashier-now">
            {t('terminal.cashierNow', { name: state.cashier.name })}{' '}
            <button type="button" className="linkish" onClick={() => void changeCashier()}>
              {t('terminal.changeCashier')}
            </button>
          </span>
        )}
        <span className="spacer" />
        <ConnectionStatus reachable={reachable} />
        <WedgeScanner onScan={scan} active={scannerActive} />
        <LanguageSwitcher />
        <button type="button" className="linkish" onClick={() => terminalSlot.set(null)}>
          {t('terminal.unpair')}
        </button>
      </header>
      <main id="till-main" tabIndex={-1}>
        {!needsCashier && <h1 className="sr-only">{t('terminal.title')}</h1>}
        {needsCashier ? (
          <CashierSignIn cashiers={cashiers.data?.cashiers ?? []} />
        ) : (
          <>
            <TillError error={error} money={money} />
            {notice && <Notice kind="warn">{notice}</Notice>}
            {cashiers.data && cashiers.data.cashiers.length === 0 && mode === 'idle' && !selling && !receipt && <p className="muted">{t('terminal.noPins')}</p>}
            {receipt ? (
              <ReceiptSlip
                receipt={receipt.answer}
                money={money}
                place={place}
                memberName={receipt.member?.member.name ?? null}
                memberNumber={receipt.member?.member.memberNumber ?? null}
                onNext={reset}
              />
            ) : mode === 'enrol' ? (
              <Enrol onDone={showMember} onCancel={() => setMode('idle')} />
            ) : mode === 'return' ? (
              <Return money={money} digits={digits} place={place} onDone={reset} />
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
                  <button type="button" className="btn btn-big" onClick={() => (setError(null), setMode('return'))}>
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
                  <div className={draft.kind === 'lines' ? 'till-grid with-lines' : 'till-grid'}>
                    <MemberPanel
                      member={member}
                      locale={locale}
                      onClear={reset}
                      onRewardBought={(bought) => {
                        // The coupon goes into the basket; the member's points are read again (the reward cost some).
                        setDraft((d) => ({ ...d, codes: d.codes.includes(bought.code) ? d.codes : [...d.codes, bought.code] }));
                        setEvaluation(null);
                        if (member) setMember({ ...member, points: { ...member.points, available: bought.available } });
                      }}
                    />
                    <section className="card basket" aria-labelledby="basket-title">
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
                          <LinesEditor draft={draft} setDraft={(d) => (setDraft(d), setEvaluation(null))} currency={currency} categories={categories.data?.categories ?? []} />
                        )}
                        <CouponCodes
                          codes={draft.codes}
                          outcomes={evaluation?.codes ?? null}
                          onChange={(codes) => {
                            setDraft({ ...draft, codes });
                            setEvaluation(null);
                          }}
                        />
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
                        <div className="till-footer" data-testid="till-footer">
                          {evaluation && (
                            <table className="totals">
                              <tbody>
                                <tr>
                                  <td>{t('terminal.totalLabel')}</td>
                                  <td className="num">{money(evaluation.totalMinor)}</td>
                                </tr>
                                {evaluation.appliedOffers.map((o) => (
                                  <tr key={o.offerId} data-testid="applied-offer">
                                    <td>{o.name}</td>
                                    <td className="num">
                                      {o.discountMinor > 0 && `−${money(o.discountMinor)}`}
                                      {o.points > 0 && ` +${t('terminal.bonusPoints', { points: formatNumber(o.points, locale) })}`}
                                    </td>
                                  </tr>
                                ))}
                                {evaluation.pointsToRedeem > 0 && (
                                  <tr>
                                    <td>{t('terminal.pointsPaid', { points: formatNumber(evaluation.pointsToRedeem, locale) })}</td>
                                    <td className="num">−{money(evaluation.redeemValueMinor)}</td>
                                  </tr>
                                )}
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
                          )}
                          <div className="row footer-row">
                            <div className="payable" aria-live="polite">
                              <span>{evaluation ? t('terminal.payable') : t('terminal.runningTotal')}</span>{' '}
                              <strong className="num" data-testid="payable">
                                {total === null ? '—' : money(total)}
                              </strong>
                            </div>
                            <button type="submit" className="btn btn-big">
                              {t('terminal.calculate')}
                            </button>
                            <button type="button" className="btn btn-primary btn-big" onClick={commit} disabled={busy || !evaluation}>
                              {t('terminal.complete')}
                            </button>
                          </div>
                        </div>
                      </form>
                    </section>
                  </div>
                )}
              </>
            )}
          </>
        )}
      </main>
    </>
  );
}

function MemberPanel({
  member,
  locale,
  onClear,
  onRewardBought,
}: {
  member: MemberSummary | null;
  locale: string;
  onClear: () => void;
  onRewardBought: (bought: { code: string; available: number }) => void;
}) {
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
      <h2 id="member-name" className="member-name">
        {member.member.name}
      </h2>
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
      {member.rhythm && (
        <Notice kind="warn">
          <span data-testid="rhythm-hint">
            {t('analytics.tillHint', {
              rhythm: member.rhythm.usualGapDays === null ? '—' : rhythmWords(t, member.rhythm.usualGapDays),
              ago: agoWords(t, member.rhythm.daysSinceLast),
            })}
          </span>
        </Notice>
      )}
      {member.points.expiringSoon && (
        <Notice kind="warn">
          {t('points.expiringOn', { points: formatNumber(member.points.expiringSoon.points, locale), date: formatDate(member.points.expiringSoon.expiresAt, locale) })}
        </Notice>
      )}
      <h3>{t('terminal.offers')}</h3>
      {member.offers.length === 0 ? (
        <p className="muted">{t('terminal.noOffers')}</p>
      ) : (
        <ul className="offer-list" data-testid="member-offers">
          {member.offers.map((o) => (
            <li key={o.id}>
              {o.name}
              {o.endsOn && <span className="muted"> · {t('terminal.offerUntil', { date: formatDate(o.endsOn, locale) })}</span>}
            </li>
          ))}
        </ul>
      )}
      <TillRewards memberId={member.member.id} available={member.points.available} onBought={onRewardBought} />
      {member.completeness.missing.length > 0 && (
        <p className="muted">{t('terminal.askFor', { fields: member.completeness.missing.map((f) => t(`profileField.${f}`, { defaultValue: f })).join(', ') })}</p>
      )}
      <button type="button" className="btn" onClick={onClear}>
        {t('terminal.clear')}
      </button>
    </section>
  );
}

function LinesEditor({ draft, setDraft, currency, categories }: { draft: Draft; setDraft: (d: Draft) => void; currency: string; categories: string[] }) {
  const { t } = useTranslation();
  /** A product from the catalogue takes the first empty line, else a new one. */
  const addProduct = (p: TillProduct) => {
    const line: DraftLine = {
      sku: p.sku,
      description: p.name,
      category: p.category ?? '',
      quantity: p.weighed ? '' : '1',
      price: p.shelfPriceMinor === null ? '' : minorToInput(p.shelfPriceMinor, currencyDigits(currency)),
      product: { category: p.category, earnsPoints: p.earnsPoints },
    };
    const empty = draft.lines.findIndex((l) => !l.sku && !l.price);
    setDraft({ ...draft, lines: empty >= 0 ? draft.lines.map((l, j) => (j === empty ? line : l)) : [...draft.lines, line] });
  };
  const update = (i: number, patch: Partial<DraftLine>) => setDraft({ ...draft, lines: draft.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const remove = (i: number) => {
    const lines = draft.lines.filter((_, j) => j !== i);
    setDraft({ ...draft, lines: lines.length ? lines : [emptyLine()] });
  };
  return (
    <div className="stack">
      <ProductAdd onAdd={addProduct} />
      <div className="basket-lines" data-testid="basket-lines">
        {draft.lines.map((l, i) => (
          <fieldset key={i} className="row basket-line">
            <legend className="sr-only">{t('terminal.lineN', { n: i + 1 })}</legend>
            <Field label={t('terminal.sku')} value={l.sku} onChange={(e) => update(i, { sku: e.target.value, product: undefined })} autoComplete="off" maxLength={64} />
            <Field label={t('terminal.description')} value={l.description} onChange={(e) => update(i, { description: e.target.value })} autoComplete="off" maxLength={200} />
            {l.product ? (
              <div className="field line-product" data-testid="line-category">
                <span className="label">{t('terminal.category')}</span>
                <span>
                  {l.product.category ?? t('terminal.noCategory')}
                  {!l.product.earnsPoints && <span className="badge badge-warn">{t('terminal.noPoints')}</span>}
                </span>
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`category-${i}`}>{t('terminal.category')}</label>
                <select id={`category-${i}`} value={l.category} onChange={(e) => update(i, { category: e.target.value })}>
                  <option value="">{t('terminal.noCategory')}</option>
                  {categories.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <Field label={t('terminal.quantity')} value={l.quantity} onChange={(e) => update(i, { quantity: e.target.value })} inputMode="decimal" style={{ maxWidth: '6rem' }} />
            <Field label={t('terminal.unitPrice', { currency })} value={l.price} onChange={(e) => update(i, { price: e.target.value })} inputMode="decimal" />
            <button type="button" className="btn remove-line" onClick={() => remove(i)} aria-label={t('terminal.removeLineN', { n: i + 1 })}>
              ✕
            </button>
          </fieldset>
        ))}
      </div>
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, lines: [...draft.lines, emptyLine()] })}>
        {t('terminal.addLine')}
      </button>
    </div>
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
