import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api, fieldErrors } from '../api/client';
import { staffSlot } from '../api/sessions';
import { LANGUAGES } from '../i18n';
import { ErrorBanner, Field, PublicTopbar, Select, useLoad } from '../ui/kit';
import { TimeZoneSelect } from '../ui/TimeZoneSelect';
import { signedIn, type SessionAnswer } from './StaffSignIn';

/** Currencies of the first markets first; any ISO 4217 code the browser knows is accepted. */
const CURRENCIES = ['CNY', 'THB', 'RUB', 'USD', 'EUR', 'GBP', 'SGD', 'MYR', 'VND', 'KZT'];

interface SetupStatus {
  setupRequired: boolean;
  invite: { merchantName: string } | null;
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * First run: `npm start` prints /setup?token=…; this form creates the first
 * merchant and its owner with that one-time token, then signs the owner in.
 * A link the platform operator made for a merchant it created asks only for
 * the owner account.
 */
export function SetupPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState({
    token: params.get('token') ?? '',
    merchantName: '',
    currency: 'USD',
    timeZone: browserTimeZone(),
    locale: LANGUAGES.find((l) => l.code === i18n.language)?.locale ?? 'en',
    ownerName: '',
    email: '',
    password: '',
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const fields = fieldErrors(error);
  // A shop that is already set up has nothing to do here: go to sign-in.
  const status = useLoad((signal) => api<SetupStatus>('/v1/setup', { signal, query: { token: form.token.trim() || undefined } }), [form.token]);
  const invite = status.data?.invite ?? null;
  if (status.data && !status.data.setupRequired && !invite) return <Navigate to="/signin" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Partial<SessionAnswer>>('/v1/setup', {
        body: {
          token: form.token.trim(),
          ...(invite ? {} : { merchant: { name: form.merchantName, currency: form.currency, timeZone: form.timeZone, locale: form.locale } }),
          owner: { email: form.email, name: form.ownerName, password: form.password },
        },
      });
      if (answer.accessToken && answer.refreshToken && answer.user) {
        signedIn(answer as SessionAnswer);
        navigate('/admin');
      } else {
        staffSlot.set(null);
        navigate('/signin?setup=done');
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PublicTopbar />
      <main className="narrow">
        <h1>{t('setup.title')}</h1>
        <p>{invite ? t('setup.invite', { name: invite.merchantName }) : t('setup.intro')}</p>
        <ErrorBanner error={error} />
        <form className="card stack" onSubmit={submit} noValidate>
          <Field label={t('setup.token')} value={form.token} onChange={set('token')} required autoComplete="off" error={fields['token']} />
          {!invite && (
            <>
              <h2>{t('setup.shop')}</h2>
              <Field label={t('setup.merchantName')} value={form.merchantName} onChange={set('merchantName')} required error={fields['merchant.name']} />
              <Select label={t('setup.currency')} value={form.currency} onChange={set('currency')} error={fields['merchant.currency']}>
                {CURRENCIES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </Select>
              <TimeZoneSelect label={t('setup.timeZone')} value={form.timeZone} onChange={set('timeZone')} error={fields['merchant.timeZone']} />
              <Select label={t('setup.locale')} value={form.locale} onChange={set('locale')} error={fields['merchant.locale']}>
                {LANGUAGES.map((l) => (
                  <option key={l.code} value={l.locale}>
                    {l.label}
                  </option>
                ))}
              </Select>
            </>
          )}
          <h2>{t('setup.owner')}</h2>
          <Field label={t('common.name')} value={form.ownerName} onChange={set('ownerName')} required autoComplete="name" error={fields['owner.name']} />
          <Field label={t('common.email')} type="email" value={form.email} onChange={set('email')} required autoComplete="email" error={fields['owner.email']} />
          <Field
            label={t('common.password')}
            type="password"
            value={form.password}
            onChange={set('password')}
            required
            autoComplete="new-password"
            hint={t('setup.passwordHint')}
            error={fields['owner.password']}
          />
          <button className="btn btn-primary btn-big" type="submit" disabled={busy}>
            {t('setup.submit')}
          </button>
        </form>
      </main>
    </>
  );
}
