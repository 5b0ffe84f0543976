import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { operatorSession, operatorSlot, useStored } from '../api/sessions';
import { LANGUAGES } from '../i18n';
import { ErrorBanner, Field, Notice, Pager, PublicTopbar, SearchBox, Select, TableWrap, useLoad, PasswordSignInForm } from '../ui/kit';
import { TimeZoneSelect } from '../ui/TimeZoneSelect';

interface OperatorMerchant {
  id: string;
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
  createdAt: string;
  suspendedAt: string | null;
}

interface OwnerSetup {
  url: string;
  expiresAt: string;
}

const PAGE = 50;

/**
 * The platform operator's screen: sign in, list merchants, create one (the
 * answer is the link its first owner signs up with), suspend or resume.
 * Nothing inside a merchant is shown here, because the API gives it none.
 */
export default function OperatorApp() {
  const state = useStored(operatorSlot);
  return (
    <>
      <PublicTopbar />
      <main className="narrow">{state ? <Merchants /> : <OperatorSignIn />}</main>
    </>
  );
}

function OperatorSignIn() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ accessToken: string; operator: { name: string } }>('/v1/operator/sign-in', { body: { email: email.trim(), password } });
      operatorSlot.set({ accessToken: answer.accessToken, name: answer.operator.name });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{t('operator.signIn')}</h1>
      <ErrorBanner error={error} />
      <PasswordSignInForm email={email} password={password} busy={busy} onEmail={setEmail} onPassword={setPassword} onSubmit={submit} />
    </>
  );
}

function Merchants() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<{ name: string; setup: OwnerSetup } | null>(null);
  const list = useLoad(
    (signal) => api<{ items: OperatorMerchant[]; total: number }>('/v1/operator/merchants', { session: operatorSession, signal, query: { q, limit: PAGE, offset } }),
    [q, offset],
  );

  async function act(run: () => Promise<void>) {
    setError(null);
    try {
      await run();
      list.reload();
    } catch (err) {
      setError(err);
    }
  }
  const setSuspended = (m: OperatorMerchant, suspend: boolean) =>
    act(async () => {
      await api(`/v1/operator/merchants/${m.id}/${suspend ? 'suspend' : 'resume'}`, { session: operatorSession, method: 'POST' });
    });
  const newOwnerLink = (m: OperatorMerchant) =>
    act(async () => {
      setLink({ name: m.name, setup: await api<OwnerSetup>(`/v1/operator/merchants/${m.id}/owner-setup`, { session: operatorSession, method: 'POST' }) });
    });

  return (
    <>
      <h1>{t('operator.title')}</h1>
      <p>
        <button type="button" className="btn" onClick={() => operatorSlot.set(null)}>
          {t('operator.signOut')}
        </button>
      </p>
      <ErrorBanner error={error ?? list.error} />
      {link && (
        <Notice>
          {t('operator.ownerLink', { name: link.name })} <code data-testid="owner-link">{link.setup.url}</code>
        </Notice>
      )}
      <CreateMerchant
        onCreated={(name, setup) => {
          setLink({ name, setup });
          list.reload();
        }}
      />
      <h2>{t('operator.merchants')}</h2>
      <SearchBox
        value={q}
        onSearch={(v) => {
          setQ(v);
          setOffset(0);
        }}
        label={t('operator.search')}
      />
      <TableWrap label={t('operator.merchants')}>
        <table>
          <thead>
            <tr>
              <th>{t('setup.merchantName')}</th>
              <th>{t('setup.currency')}</th>
              <th>{t('operator.status')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((m) => (
              <tr key={m.id} data-merchant={m.id}>
                <td>{m.name}</td>
                <td>{m.currency}</td>
                <td>{m.suspendedAt ? t('operator.suspended') : t('operator.running')}</td>
                <td>
                  <button type="button" className="btn" onClick={() => void setSuspended(m, !m.suspendedAt)}>
                    {m.suspendedAt ? t('operator.resume') : t('operator.suspend')}
                  </button>{' '}
                  <button type="button" className="btn" onClick={() => void newOwnerLink(m)}>
                    {t('operator.newOwnerLink')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data && <Pager offset={offset} limit={PAGE} total={list.data.total} onOffset={setOffset} />}
    </>
  );
}

function CreateMerchant({ onCreated }: { onCreated: (name: string, setup: OwnerSetup) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: '', currency: 'USD', timeZone: 'UTC', locale: 'en' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const fields = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const created = await api<{ merchant: OperatorMerchant; ownerSetup: OwnerSetup }>('/v1/operator/merchants', { session: operatorSession, body: form });
      onCreated(created.merchant.name, created.ownerSetup);
      setForm({ ...form, name: '' });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate>
      <h2>{t('operator.create')}</h2>
      <ErrorBanner error={error} />
      <Field label={t('setup.merchantName')} value={form.name} onChange={set('name')} required error={fields['name']} />
      <Field label={t('setup.currency')} value={form.currency} onChange={set('currency')} required error={fields['currency']} />
      <TimeZoneSelect label={t('setup.timeZone')} value={form.timeZone} onChange={set('timeZone')} error={fields['timeZone']} />
      <Select label={t('setup.locale')} value={form.locale} onChange={set('locale')} error={fields['locale']}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.locale}>
            {l.label}
          </option>
        ))}
      </Select>
      <button className="btn btn-primary" type="submit">
        {t('operator.create')}
      </button>
    </form>
  );
}
