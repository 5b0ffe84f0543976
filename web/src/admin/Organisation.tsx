import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { ConfirmButton, ErrorBanner, Field, Notice, Pager, SearchBox, Select, TableWrap, useLoad } from '../ui/kit';
import { CardQr } from '../portal/CardQr';
import { PAGE_SIZE, useAdmin, type Page } from './admin-context';

interface StoreRow {
  id: string;
  code: string;
  name: string;
  address: string | null;
  timeZone: string | null;
  active: boolean;
}

interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'manager' | 'cashier';
  storeIds: string[] | null;
  active: boolean;
  hasPin: boolean;
  lastSignInAt: string | null;
}

interface TerminalRow {
  id: string;
  storeId: string;
  name: string;
  keyPrefix: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  pairingExpiresAt: string | null;
  createdAt: string;
}

interface PairingAnswer {
  terminal: TerminalRow;
  code: string;
  expiresAt: string;
  path: string;
}

/** A paged, searchable list: ?q=&limit=&offset= on the API. */
function usePagedList<T>(path: string) {
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    (signal) => api<Page<T>>(path, { session: staffSession, signal, query: { q, limit: PAGE_SIZE, offset } }),
    [path, q, offset],
  );
  return {
    ...list,
    q,
    offset,
    setOffset,
    search: (text: string) => {
      setQ(text);
      setOffset(0);
    },
  };
}

/** All stores for pickers (a shop has a handful; a chain pages in the Stores screen). */
export function useStores() {
  return useLoad((signal) => api<Page<StoreRow>>('/v1/stores', { session: staffSession, signal, query: { limit: 200 } }), []);
}

export function Stores() {
  const { t } = useTranslation();
  const list = usePagedList<StoreRow>('/v1/stores');
  const [form, setForm] = useState({ code: '', name: '', address: '' });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('/v1/stores', { session: staffSession, body: { code: form.code, name: form.name, address: form.address || null } });
      setForm({ code: '', name: '', address: '' });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function setActive(store: StoreRow, active: boolean) {
    try {
      await api(`/v1/stores/${store.id}`, { method: 'PATCH', session: staffSession, body: { active } });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <h1>{t('admin.nav.stores')}</h1>
      <ErrorBanner error={error ?? list.error} />
      <form className="card row" onSubmit={create} aria-label={t('stores.add')}>
        <Field label={t('stores.code')} value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} required error={fields.code} />
        <Field label={t('common.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required error={fields.name} />
        <Field label={t('stores.address')} value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} error={fields.address} />
        <button className="btn btn-primary" type="submit">
          {t('stores.add')}
        </button>
      </form>
      <SearchBox value={list.q} onSearch={list.search} label={t('common.search')} />
      <TableWrap label={t('admin.nav.stores')}>
        <table>
          <thead>
            <tr>
              <th>{t('stores.code')}</th>
              <th>{t('common.name')}</th>
              <th>{t('stores.address')}</th>
              <th>{t('common.status')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((s) => (
              <tr key={s.id}>
                <td>{s.code}</td>
                <td>{s.name}</td>
                <td>{s.address}</td>
                <td>{s.active ? t('common.active') : <span className="tag tag-danger">{t('common.inactive')}</span>}</td>
                <td>
                  {s.active ? (
                    <ConfirmButton
                      label={t('stores.close')}
                      question={t('stores.closeQuestion', { name: s.name })}
                      confirmLabel={t('stores.close')}
                      onConfirm={() => setActive(s, false)}
                    />
                  ) : (
                    <button type="button" className="btn" onClick={() => setActive(s, true)}>
                      {t('stores.reopen')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data && <Pager offset={list.offset} limit={PAGE_SIZE} total={list.data.total} onOffset={list.setOffset} />}
    </>
  );
}

export function Staff() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { staff: me } = useAdmin();
  const list = usePagedList<StaffRow>('/v1/staff');
  const [form, setForm] = useState({ name: '', email: '', password: '', role: 'cashier', pin: '' });
  const [pinFor, setPinFor] = useState<{ user: StaffRow; pin: string } | null>(null);
  const [pinSaved, setPinSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const { pin, ...rest } = form;
      await api('/v1/staff', { session: staffSession, body: { ...rest, email: form.email.trim(), ...(pin ? { pin } : {}) } });
      setForm({ name: '', email: '', password: '', role: 'cashier', pin: '' });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function patch(user: StaffRow, body: Record<string, unknown>): Promise<boolean> {
    setError(null);
    setPinSaved(null);
    try {
      await api(`/v1/staff/${user.id}`, { method: 'PATCH', session: staffSession, body });
      list.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  }

  async function savePin(e: FormEvent) {
    e.preventDefault();
    if (!pinFor) return;
    if (await patch(pinFor.user, { pin: pinFor.pin })) {
      setPinSaved(t('staff.pinSaved', { name: pinFor.user.name }));
      setPinFor(null);
    }
  }

  return (
    <>
      <h1>{t('admin.nav.staff')}</h1>
      <ErrorBanner error={error ?? list.error} />
      <form className="card row" onSubmit={create} aria-label={t('staff.add')}>
        <Field label={t('common.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required error={fields.name} />
        <Field label={t('common.email')} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} required error={fields.email} />
        <Field
          label={t('common.password')}
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          required
          error={fields.password}
        />
        <Field
          label={t('staff.pin')}
          hint={t('staff.pinHint')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={form.pin}
          onChange={(e) => setForm({ ...form, pin: e.target.value.replace(/\D/g, '').slice(0, 8) })}
          error={fields.pin}
        />
        <Select label={t('staff.role')} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {(me.role === 'owner' ? ['cashier', 'manager', 'owner'] : ['cashier']).map((r) => (
            <option key={r} value={r}>
              {t(`staff.roles.${r}`)}
            </option>
          ))}
        </Select>
        <button className="btn btn-primary" type="submit">
          {t('staff.add')}
        </button>
      </form>
      {pinSaved && <Notice>{pinSaved}</Notice>}
      {pinFor && (
        <form className="card row" onSubmit={savePin}>
          <Field
            label={t('staff.setPinFor', { name: pinFor.user.name })}
            hint={t('staff.pinHint')}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pinFor.pin}
            onChange={(e) => setPinFor({ ...pinFor, pin: e.target.value.replace(/\D/g, '').slice(0, 8) })}
            required
            autoFocus
          />
          <button className="btn btn-primary" type="submit" disabled={pinFor.pin.length < 4}>
            {t('staff.savePin')}
          </button>
          <button className="btn" type="button" onClick={() => setPinFor(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      <SearchBox value={list.q} onSearch={list.search} label={t('common.search')} />
      <TableWrap label={t('admin.nav.staff')}>
        <table>
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('common.email')}</th>
              <th>{t('staff.role')}</th>
              <th>{t('staff.pinColumn')}</th>
              <th>{t('staff.lastSignIn')}</th>
              <th>{t('common.status')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{t(`staff.roles.${u.role}`)}</td>
                <td>
                  {u.hasPin ? t('staff.pinSet') : '—'}{' '}
                  {u.active && (
                    <button type="button" className="linkish" onClick={() => setPinFor({ user: u, pin: '' })} aria-label={`${u.hasPin ? t('staff.changePin') : t('staff.setPin')}: ${u.name}`}>
                      {u.hasPin ? t('staff.changePin') : t('staff.setPin')}
                    </button>
                  )}
                </td>
                <td>{formatDateTime(u.lastSignInAt, locale)}</td>
                <td>{u.active ? t('common.active') : <span className="tag tag-danger">{t('common.inactive')}</span>}</td>
                <td>
                  {u.active ? (
                    <ConfirmButton
                      label={t('staff.disable')}
                      question={t('staff.disableQuestion', { name: u.name })}
                      confirmLabel={t('staff.disable')}
                      onConfirm={async () => void (await patch(u, { active: false }))}
                    />
                  ) : (
                    <button type="button" className="btn" onClick={() => patch(u, { active: true })}>
                      {t('staff.enable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data && <Pager offset={list.offset} limit={PAGE_SIZE} total={list.data.total} onOffset={list.setOffset} />}
    </>
  );
}

export function Terminals() {
  const { t } = useTranslation();
  const locale = useLocale();
  const stores = useStores();
  const list = usePagedList<TerminalRow>('/v1/terminals');
  const [form, setForm] = useState({ name: '', storeId: '' });
  const [created, setCreated] = useState<{ name: string; apiKey: string } | null>(null);
  const [pairing, setPairing] = useState<PairingAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);
  const storeName = (id: string) => stores.data?.items.find((s) => s.id === id)?.name ?? id;
  const storeId = form.storeId || stores.data?.items[0]?.id || '';

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const answer = await api<{ terminal: TerminalRow; apiKey: string }>('/v1/terminals', { session: staffSession, body: { name: form.name, storeId } });
      setCreated({ name: answer.terminal.name, apiKey: answer.apiKey });
      setForm({ ...form, name: '' });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function pair(terminal: TerminalRow) {
    setError(null);
    setCreated(null);
    try {
      setPairing(await api<PairingAnswer>(`/v1/terminals/${terminal.id}/pairing-code`, { method: 'POST', session: staffSession }));
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function revoke(terminal: TerminalRow) {
    setError(null);
    try {
      await api(`/v1/terminals/${terminal.id}/revoke`, { method: 'POST', session: staffSession });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <h1>{t('admin.nav.terminals')}</h1>
      <ErrorBanner error={error ?? list.error} />
      {created && (
        <Notice kind="warn">
          <p>{t('terminals.keyOnce', { name: created.name })}</p>
          <p className="secret" data-testid="terminal-api-key">
            {created.apiKey}
          </p>
        </Notice>
      )}
      {pairing && (
        <section className="card pairing" aria-labelledby="pairing-title" data-testid="pairing">
          <h2 id="pairing-title">{t('terminals.pairTitle', { name: pairing.terminal.name })}</h2>
          <p>{t('terminals.pairIntro')}</p>
          <div className="pairing-body">
            <p className="pairing-code" data-testid="pairing-code">
              {pairing.code}
            </p>
            <div className="qr-small">
              <CardQr value={`${window.location.origin}${pairing.path}`} label={t('terminals.pairQr', { name: pairing.terminal.name })} />
            </div>
          </div>
          <p className="muted">{t('terminals.pairExpires', { time: formatDateTime(pairing.expiresAt, locale) })}</p>
          <button type="button" className="btn" onClick={() => setPairing(null)}>
            {t('terminals.pairDone')}
          </button>
        </section>
      )}
      <form className="card row" onSubmit={create} aria-label={t('terminals.add')}>
        <Field label={t('common.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required error={fields.name} />
        <Select label={t('terminals.store')} value={storeId} onChange={(e) => setForm({ ...form, storeId: e.target.value })} error={fields.storeId}>
          {stores.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.code})
            </option>
          ))}
        </Select>
        <button className="btn btn-primary" type="submit" disabled={!storeId}>
          {t('terminals.add')}
        </button>
      </form>
      <SearchBox value={list.q} onSearch={list.search} label={t('common.search')} />
      <TableWrap label={t('admin.nav.terminals')}>
        <table>
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('terminals.store')}</th>
              <th>{t('terminals.keyPrefix')}</th>
              <th>{t('terminals.lastSeen')}</th>
              <th>{t('common.status')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((term) => (
              <tr key={term.id}>
                <td>{term.name}</td>
                <td>{storeName(term.storeId)}</td>
                <td>
                  <code>{term.keyPrefix}…</code>
                </td>
                <td>{formatDateTime(term.lastSeenAt, locale)}</td>
                <td>{term.revokedAt ? <span className="tag tag-danger">{t('terminals.revoked')}</span> : t('common.active')}</td>
                <td className="row">
                  {!term.revokedAt && (
                    <button type="button" className="btn" onClick={() => pair(term)} aria-label={t('terminals.pairNamed', { name: term.name })}>
                      {t('terminals.pair')}
                    </button>
                  )}
                  {!term.revokedAt && (
                    <ConfirmButton
                      label={t('terminals.revoke')}
                      question={t('terminals.revokeQuestion', { name: term.name })}
                      confirmLabel={t('terminals.revoke')}
                      onConfirm={() => revoke(term)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data && <Pager offset={list.offset} limit={PAGE_SIZE} total={list.data.total} onOffset={list.setOffset} />}
    </>
  );
}
