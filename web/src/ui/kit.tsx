import { useCallback, useEffect, useId, useRef, useState, type ComponentPropsWithRef, type FormEvent, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { chooseLanguage, LANGUAGES, type LanguageCode } from '../i18n';

/** A message for any failure, by the server's stable error code, in the current language. */
export function useErrorText(): (err: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        const known = t(`errors.${err.code}`, { defaultValue: '' });
        if (known) return known;
        if (err.status >= 500) return t('errors.SERVER_DOWN');
        return err.message;
      }
      return t('errors.UNKNOWN');
    },
    [t],
  );
}

export function ErrorBanner({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'UNKNOWN';
  return (
    <div className="banner banner-error" role="alert" data-code={code}>
      {text(error)}
    </div>
  );
}

export function Notice({ children, kind = 'ok' }: { children: ReactNode; kind?: 'ok' | 'warn' }) {
  return (
    <div className={`banner banner-${kind}`} role="status">
      {children}
    </div>
  );
}

type FieldProps = ComponentPropsWithRef<'input'> & { label: string; error?: string; hint?: string };

export function Field({ label, error, hint, ...input }: FieldProps) {
  const id = useId();
  const hintId = hint || error ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={hintId} {...input} />
      {(error || hint) && (
        <small id={hintId} className={error ? 'field-error' : 'field-hint'}>
          {error || hint}
        </small>
      )}
    </div>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string; children: ReactNode };

export function Select({ label, error, children, ...select }: SelectProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} {...select}>
        {children}
      </select>
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function LanguageSwitcher({ onChange }: { onChange?: (code: LanguageCode) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="lang">
      <label htmlFor={id} className="sr-only">
        {t('common.language')}
      </label>
      <select
        id={id}
        value={i18n.language}
        onChange={(e) => {
          const code = e.target.value as LanguageCode;
          chooseLanguage(code);
          onChange?.(code);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.locale}>
            {l.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The bar on pages outside the three apps (home, setup, staff sign-in): brand and language. */
export function PublicTopbar() {
  return (
    <header className="topbar">
      <span className="brand">Tally</span>
      <span className="spacer" />
      <LanguageSwitcher />
    </header>
  );
}

/**
 * A modal confirmation on the native <dialog>: it traps focus, closes on
 * Escape and returns focus to the button that opened it.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = true,
  className,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  danger?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button type="button" className={className ?? (danger ? 'btn btn-danger' : 'btn')} onClick={() => ref.current?.showModal()}>
        {label}
      </button>
      <dialog ref={ref} className="dialog" aria-label={question}>
        <p>{question}</p>
        <div className="row">
          <button type="button" className="btn" autoFocus onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={danger ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
              } finally {
                setBusy(false);
                ref.current?.close();
              }
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads data when its inputs change; `reload` runs it again after a write. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => controller.abort();
    // Callers list the inputs of `load` in deps; `load` itself is a fresh closure each render.
  }, [...deps, tick]);
  return { ...state, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** `label` names the pager when a page has several (landmarks need distinct names). */
export function Pager({ offset, limit, total, onOffset, label }: { offset: number; limit: number; total: number; onOffset: (o: number) => void; label?: string }) {
  const { t } = useTranslation();
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={label ? `${t('common.pages')}: ${label}` : t('common.pages')}>
      <button type="button" className="btn" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        {t('common.previous')}
      </button>
      <span aria-live="polite">{t('common.range', { from: total === 0 ? 0 : offset + 1, to: last, total })}</span>
      <button type="button" className="btn" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

export function SearchBox({ value, onSearch, label }: { value: string; onSearch: (q: string) => void; label: string }) {
  const [text, setText] = useState(value);
  const id = useId();
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} type="search" placeholder={label} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="btn">
        {label}
      </button>
    </form>
  );
}

/** The email and password form of every staff-like sign-in (back office, platform operator). */
export function PasswordSignInForm({
  email,
  password,
  busy,
  onEmail,
  onPassword,
  onSubmit,
}: {
  email: string;
  password: string;
  busy: boolean;
  onEmail: (v: string) => void;
  onPassword: (v: string) => void;
  onSubmit: (e: FormEvent) => void;
}) {
  const { t } = useTranslation();
  return (
    <form className="card stack" onSubmit={onSubmit}>
      <Field label={t('common.email')} type="email" value={email} onChange={(e) => onEmail(e.target.value)} required autoComplete="username" autoFocus />
      <Field label={t('common.password')} type="password" value={password} onChange={(e) => onPassword(e.target.value)} required autoComplete="current-password" />
      <button className="btn btn-primary btn-big" type="submit" disabled={busy}>
        {t('signin.submit')}
      </button>
    </form>
  );
}

/**
 * A table that scrolls sideways on a narrow screen: a named region that takes
 * keyboard focus, so the scroll can be reached without a mouse (axe:
 * scrollable-region-focusable).
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
