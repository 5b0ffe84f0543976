import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import { staffSlot, type StaffState } from '../api/sessions';
import { applyPreferredLanguage } from '../i18n';
import { ErrorBanner, PublicTopbar, Notice, PasswordSignInForm } from '../ui/kit';

export interface SessionAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; merchantId: string; name: string; email: string; role: StaffState['role']; storeIds: string[] | null; locale?: string | null };
}

interface MerchantChoice {
  id: string;
  name: string;
}

export function signedIn(answer: SessionAnswer): void {
  staffSlot.set({
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    merchantId: answer.user.merchantId,
    role: answer.user.role,
    name: answer.user.name,
    storeIds: answer.user.storeIds,
  });
  applyPreferredLanguage(answer.user.locale);
}

/** Staff sign-in for the back office and for cashiers using the web terminal. */
export function StaffSignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Shops this email and password open, when there are several: the user picks one and signs in again.
  const [choices, setChoices] = useState<MerchantChoice[] | null>(null);
  const next = params.get('next');

  async function signIn(merchantId?: string) {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<SessionAnswer>('/v1/auth/sign-in', { body: { email: email.trim(), password, ...(merchantId ? { merchantId } : {}) } });
      signedIn(answer);
      // Only same-app paths: never follow an absolute URL from the query string.
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : answer.user.role === 'cashier' ? '/admin/members' : '/admin');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'MERCHANT_CHOICE_REQUIRED') setChoices((err.details as { merchants: MerchantChoice[] }).merchants);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setChoices(null);
    void signIn();
  }

  return (
    <>
      <PublicTopbar />
      <main className="narrow">
        <h1>{t('signin.title')}</h1>
        {params.get('setup') === 'done' && <Notice>{t('setup.done')}</Notice>}
        <ErrorBanner error={error} />
        <PasswordSignInForm email={email} password={password} busy={busy} onEmail={setEmail} onPassword={setPassword} onSubmit={submit} />
        {choices && (
          <section className="card stack" aria-labelledby="choose-merchant">
            <h2 id="choose-merchant">{t('signin.chooseMerchant')}</h2>
            {choices.map((m) => (
              <button key={m.id} className="btn btn-big" type="button" disabled={busy} onClick={() => void signIn(m.id)}>
                {m.name}
              </button>
            ))}
          </section>
        )}
      </main>
    </>
  );
}
