import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import { TERMINAL_SIGNED_OUT, terminalSession, terminalSlot, type CashierRef, type TerminalTokenAnswer } from '../api/sessions';
import { Field, LanguageSwitcher, useLoad } from '../ui/kit';
import { looksLikeCard } from './card-shape';
import { TillError } from './till-error';

interface PairingAnswer extends TerminalTokenAnswer {
  apiKey: string;
}

/**
 * An unpaired till: the cashier types the short code the back office shows
 * (Terminals → Pair), or opens the QR's link (`/terminal?pair=CODE`). A full
 * terminal key still works, for a till set up by hand. A card scanned into the
 * field is recognised and not sent as a key.
 */
export function TerminalSignIn() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(() =>
    sessionStorage.getItem(TERMINAL_SIGNED_OUT) ? new ApiError('INVALID_TOKEN', 'signed out', 401) : null,
  );
  const field = useRef<HTMLInputElement>(null);

  async function pair(value: string) {
    const entered = value.trim();
    if (!entered) return;
    setError(null);
    if (looksLikeCard(entered)) {
      // A member's card went through the scanner while this field had focus: never send it as a key.
      setText('');
      setError(new ApiError('CARD_IN_KEY_FIELD', 'card scanned', 400));
      field.current?.focus();
      return;
    }
    setBusy(true);
    try {
      if (/^tly_/i.test(entered)) {
        const answer = await api<TerminalTokenAnswer>('/v1/auth/terminal-token', { body: { apiKey: entered } });
        signedIn({ ...answer, apiKey: entered });
      } else {
        signedIn(await api<PairingAnswer>('/v1/auth/terminal-pairing', { body: { code: entered } }));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function signedIn(answer: PairingAnswer) {
    sessionStorage.removeItem(TERMINAL_SIGNED_OUT);
    terminalSlot.set({ accessToken: answer.accessToken, apiKey: answer.apiKey, terminal: answer.terminal, cashier: null, cashierToken: null });
  }

  // The QR on the back-office screen opens /terminal?pair=CODE: pair at once and drop the code from the address.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const code = params.get('pair');
    if (!code) return;
    params.delete('pair');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
    void pair(code);
    // Once, on opening the link.
  }, []);

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
        <form
          className="card stack"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void pair(text);
          }}
        >
          <Field
            ref={field}
            label={t('terminal.pairingCode')}
            hint={t('terminal.pairingHint')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            autoFocus
          />
          <button type="submit" className="btn btn-primary btn-big" disabled={busy}>
            {t('terminal.signIn')}
          </button>
        </form>
      </main>
    </>
  );
}

/** A paired till asks who is working it: the cashier picks their name and types their PIN. */
export function CashierSignIn({ cashiers, onCancel }: { cashiers: CashierRef[]; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [who, setWho] = useState<CashierRef | null>(cashiers.length === 1 ? cashiers[0] : null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!who) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ accessToken: string; cashierToken: string; cashier: CashierRef }>('/v1/auth/cashier-sign-in', {
        session: terminalSession,
        body: { staffId: who.id, pin },
      });
      const current = terminalSlot.get();
      if (current) terminalSlot.set({ ...current, accessToken: answer.accessToken, cashierToken: answer.cashierToken, cashier: answer.cashier });
    } catch (err) {
      setPin('');
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow-card" aria-labelledby="cashier-title">
      <h1 id="cashier-title">{t('terminal.whoIsWorking')}</h1>
      <TillError error={error} />
      <div className="cashier-list" role="radiogroup" aria-label={t('terminal.cashier')}>
        {cashiers.map((c) => (
          <label key={c.id} className={`cashier-choice${who?.id === c.id ? ' chosen' : ''}`}>
            <input type="radio" name="cashier" checked={who?.id === c.id} onChange={() => setWho(c)} />
            {c.name}
          </label>
        ))}
      </div>
      {who && (
        <form className="stack" onSubmit={submit}>
          <Field
            label={t('terminal.pinFor', { name: who.name })}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            required
            autoFocus
          />
          <div className="row">
            <button type="submit" className="btn btn-primary btn-big" disabled={busy || pin.length < 4}>
              {t('terminal.startShift')}
            </button>
            {onCancel && (
              <button type="button" className="btn btn-big" onClick={onCancel}>
                {t('common.cancel')}
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}

/** Who may sign in on this till; an empty list means no PINs are set yet. */
export function useCashiers(tillId: string | undefined) {
  return useLoad((signal) => api<{ cashiers: CashierRef[] }>('/v1/pos/cashiers', { session: terminalSession, signal }), [tillId]);
}
