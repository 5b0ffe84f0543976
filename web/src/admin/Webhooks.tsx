import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { Checkbox, ConfirmButton, ErrorBanner, Field, Notice, useLoad } from '../ui/kit';

interface Subscription {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
}

interface Delivery {
  id: string;
  subscriptionId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
}

interface EventTypeInfo {
  type: string;
  version: number;
  description: string;
}

/** Merchant webhook subscriptions: create (secret shown once), test, enable / disable, delete, delivery log. */
export function Webhooks() {
  const { t } = useTranslation();
  const list = useLoad((signal) => api<{ items: Subscription[] }>('/v1/webhooks/subscriptions', { session: staffSession, signal }), []);
  const types = useLoad((signal) => api<{ items: EventTypeInfo[] }>('/v1/webhooks/event-types', { session: staffSession, signal }), []);
  const [form, setForm] = useState<{ url: string; description: string; events: string[] }>({ url: '', description: '', events: [] });
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [tested, setTested] = useState<Delivery | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const [logTick, setLogTick] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const answer = await api<Subscription & { secret: string }>('/v1/webhooks/subscriptions', {
        session: staffSession,
        body: { url: form.url.trim(), events: form.events, description: form.description.trim() || undefined },
      });
      setCreated({ url: answer.url, secret: answer.secret });
      setForm({ url: '', description: '', events: [] });
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      list.reload();
      setLogTick((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  }

  const path = (s: Subscription) => `/v1/webhooks/subscriptions/${encodeURIComponent(s.id)}`;
  const toggleEvent = (type: string, on: boolean) =>
    setForm({ ...form, events: on ? [...form.events, type] : form.events.filter((x) => x !== type) });

  return (
    <>
      <h1>{t('admin.nav.webhooks')}</h1>
      <p className="muted">{t('webhooks.intro')}</p>
      <ErrorBanner error={error ?? list.error ?? types.error} />
      {created && (
        <Notice kind="warn">
          <p>{t('webhooks.secretOnce', { url: created.url })}</p>
          <p className="secret" data-testid="webhook-secret">
            {created.secret}
          </p>
          <p>{t('webhooks.secretCopy')}</p>
        </Notice>
      )}
      <form className="card stack" onSubmit={create} aria-label={t('webhooks.add')}>
        <h2>{t('webhooks.add')}</h2>
        <Field
          label={t('webhooks.url')}
          type="url"
          inputMode="url"
          value={form.url}
          onChange={(e) => setForm({ ...form, url: e.target.value })}
          required
          hint={t('webhooks.urlHint')}
          error={fields.url}
        />
        <Field label={t('webhooks.description')} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} error={fields.description} />
        <fieldset className="event-picker">
          <legend>{t('webhooks.events')}</legend>
          {types.data?.items.map((et) => (
            <Checkbox key={et.type} label={et.type} checked={form.events.includes(et.type)} onChange={(on) => toggleEvent(et.type, on)} />
          ))}
          {fields.events && <small className="field-error">{fields.events}</small>}
        </fieldset>
        <button className="btn btn-primary" type="submit" disabled={form.events.length === 0}>
          {t('webhooks.add')}
        </button>
      </form>

      <h2>{t('webhooks.subscriptions')}</h2>
      {list.data?.items.length === 0 && <p className="muted">{t('webhooks.none')}</p>}
      {list.data?.items.map((s) => (
        <article key={s.id} className="card stack webhook" aria-label={s.url} data-testid="webhook-subscription">
          <p className="webhook-url">
            <code>{s.url}</code>
          </p>
          {s.description && <p>{s.description}</p>}
          <p className="row">
            {s.enabled ? <span className="tag">{t('webhooks.enabled')}</span> : <span className="tag tag-danger">{t('webhooks.disabled')}</span>}
            {!s.enabled && s.disabledReason && <span className="muted">{reasonText(s, t)}</span>}
            <span className="muted">{t('webhooks.failures', { n: s.consecutiveFailures })}</span>
          </p>
          <p className="row">
            {s.events.map((e) => (
              <code key={e} className="tag">
                {e}
              </code>
            ))}
          </p>
          <div className="row">
            <button
              type="button"
              className="btn"
              onClick={() =>
                act(async () => {
                  setTested(await api<Delivery>(`${path(s)}/test`, { method: 'POST', session: staffSession }));
                  setLogOf(s.id);
                })
              }
            >
              {t('webhooks.sendTest')}
            </button>
            <button type="button" className="btn" aria-expanded={logOf === s.id} onClick={() => setLogOf(logOf === s.id ? null : s.id)}>
              {t('webhooks.log')}
            </button>
            {s.enabled ? (
              <ConfirmButton
                label={t('webhooks.disable')}
                question={t('webhooks.disableQuestion', { url: s.url })}
                confirmLabel={t('webhooks.disable')}
                danger={false}
                onConfirm={() => act(() => api(path(s), { method: 'PATCH', session: staffSession, body: { enabled: false } }))}
              />
            ) : (
              <button type="button" className="btn" onClick={() => act(() => api(path(s), { method: 'PATCH', session: staffSession, body: { enabled: true } }))}>
                {t('webhooks.enable')}
              </button>
            )}
            <ConfirmButton
              label={t('webhooks.delete')}
              question={t('webhooks.deleteQuestion', { url: s.url })}
              confirmLabel={t('webhooks.delete')}
              onConfirm={() =>
                act(async () => {
                  await api(path(s), { method: 'DELETE', session: staffSession });
                  if (logOf === s.id) setLogOf(null);
                })
              }
            />
          </div>
          {tested?.subscriptionId === s.id && (
            <Notice kind={tested.status === 'succeeded' ? 'ok' : 'warn'}>
              {tested.status === 'succeeded' ? t('webhooks.testOk', { code: tested.responseCode }) : t('webhooks.testFailed', { error: tested.lastError ?? tested.responseCode ?? '' })}
            </Notice>
          )}
          {logOf === s.id && <DeliveryLog path={`${path(s)}/deliveries`} tick={logTick} />}
        </article>
      ))}
    </>
  );
}

/** The server's reason is English; the two it writes get the screen's language. */
function reasonText(s: Subscription, t: TFunction): string {
  if (s.disabledReason === 'disabled by staff') return t('webhooks.disabledByStaff');
  if (s.disabledReason?.startsWith('disabled after')) return t('webhooks.disabledFailing');
  return s.disabledReason ?? '';
}

function DeliveryLog({ path, tick }: { path: string; tick: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const log = useLoad((signal) => api<{ items: Delivery[] }>(path, { session: staffSession, signal, query: { limit: 50 } }), [path, tick]);
  return (
    <section aria-label={t('webhooks.log')}>
      <div className="row">
        <h3>{t('webhooks.log')}</h3>
        <button type="button" className="btn" onClick={log.reload}>
          {t('webhooks.refresh')}
        </button>
      </div>
      <ErrorBanner error={log.error} />
      {log.data?.items.length === 0 && <p className="muted">{t('webhooks.noDeliveries')}</p>}
      {!!log.data?.items.length && (
        <div className="table-wrap">
          <table className="stacked" data-testid="webhook-log">
            <thead>
              <tr>
                <th>{t('common.date')}</th>
                <th>{t('webhooks.event')}</th>
                <th>{t('common.status')}</th>
                <th className="num">{t('webhooks.attempts')}</th>
                <th className="num">{t('webhooks.responseCode')}</th>
                <th>{t('webhooks.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((d) => (
                <tr key={d.id}>
                  <td data-label={t('common.date')}>{formatDateTime(d.lastAttemptAt ?? d.createdAt, locale)}</td>
                  <td data-label={t('webhooks.event')}>
                    <code>{d.eventType}</code>
                  </td>
                  <td data-label={t('common.status')}>
                    <span className={d.status === 'failed' ? 'tag tag-danger' : 'tag'}>{t(`webhooks.status.${d.status}`)}</span>
                  </td>
                  <td className="num" data-label={t('webhooks.attempts')}>{d.attempts}</td>
                  <td className="num" data-label={t('webhooks.responseCode')}>{d.responseCode ?? '—'}</td>
                  <td className="webhook-error" data-label={t('webhooks.lastError')}>{d.lastError}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
