import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { currencyDigits, formatDateTime, formatNumber, parseMoney } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Field, Notice, Select, TableWrap, useLoad } from '../ui/kit';
import { SEGMENT_KEYS } from '../ui/rhythm';
import { useAdmin } from './admin-context';
import type { SegmentOutView as SegmentView } from '../../../src/segments/segments.schemas';

type Match = 'all' | 'any';
const FIELDS = ['visits', 'spend', 'boughtCategory', 'boughtAtStore', 'rfmSegment', 'abcClass', 'churnRisk', 'lifetimeValue', 'consent', 'birthdayMonth', 'enrolled', 'feedback'] as const;
type FieldName = (typeof FIELDS)[number];

/** One condition as the form holds it: text inputs and ticked choices, turned into the API's condition by `conditionOf`. */
interface Row {
  field: FieldName;
  text: Record<string, string>;
  picks: string[];
}
interface Group {
  match: Match;
  rows: (Row | Group)[];
}

const RFM = Object.keys(SEGMENT_KEYS).filter((s) => s !== 'New member');
const CHOICES: Partial<Record<FieldName, readonly string[]>> = {
  rfmSegment: RFM,
  abcClass: ['A', 'B', 'C'],
  birthdayMonth: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
  feedback: ['promoter', 'passive', 'detractor'],
};
const CONSENTS = { marketing_email: 'consents.marketingEmail', marketing_sms: 'consents.marketingSms', profiling: 'consents.profiling' } as const;
const WINDOWED: readonly FieldName[] = ['visits', 'spend', 'boughtCategory', 'boughtAtStore'];
const BOUNDED: readonly FieldName[] = ['visits', 'spend', 'churnRisk', 'lifetimeValue'];
const MONEY: readonly FieldName[] = ['spend', 'lifetimeValue'];

const newRow = (field: FieldName = 'visits'): Row => ({ field, text: { withinDays: '30', kind: 'marketing_email' }, picks: [] });
const isGroup = (r: Row | Group): r is Group => 'rows' in r;

/** The API's condition for a row, or null while it is incomplete (the count waits for it). */
function conditionOf(row: Row, digits: number): Record<string, unknown> | null {
  const { field, text, picks } = row;
  const int = (s: string | undefined) => (s && /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);
  const amount = (s: string | undefined) => (MONEY.includes(field) ? (s?.trim() ? (parseMoney(s, digits) ?? undefined) : undefined) : int(s));
  const out: Record<string, unknown> = { field };
  if (WINDOWED.includes(field)) {
    const days = int(text.withinDays);
    if (!days) return null;
    out.withinDays = days;
  }
  if (BOUNDED.includes(field)) {
    const min = amount(text.min);
    const max = amount(text.max);
    if (min === undefined && max === undefined) return null;
    if (min !== undefined) out.min = min;
    if (max !== undefined) out.max = max;
  }
  if (CHOICES[field]) {
    if (!picks.length) return null;
    out[field === 'feedback' ? 'bands' : 'in'] = field === 'birthdayMonth' ? picks.map(Number) : picks;
  }
  if (field === 'boughtCategory') {
    const categories = (text.categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    if (!categories.length) return null;
    out.categories = categories;
  }
  if (field === 'boughtAtStore') {
    if (!picks.length) return null;
    out.storeIds = picks;
  }
  if (field === 'consent') out.kind = text.kind;
  if (field === 'enrolled') {
    if (!text.from && !text.before) return null;
    if (text.from) out.from = text.from;
    if (text.before) out.before = text.before;
  }
  return out;
}

function rulesOf(group: Group, digits: number): Record<string, unknown> | null {
  const conditions = group.rows.map((r) => (isGroup(r) ? rulesOf(r, digits) : conditionOf(r, digits)));
  if (!conditions.length || conditions.some((c) => c === null)) return null;
  return { match: group.match, conditions };
}

/** The rules segment builder: conditions in groups, a live count while editing, then save. */
export function SegmentBuilder({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const digits = currencyDigits(merchant.currency);
  const [name, setName] = useState('');
  const [rules, setRules] = useState<Group>({ match: 'all', rows: [newRow()] });
  const [preview, setPreview] = useState<{ count: number; warnings: { code: string }[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const stores = useLoad((signal) => api<{ items: { id: string; name: string }[] }>('/v1/stores', { session: staffSession, signal, query: { limit: 200 } }), []);
  const body = rulesOf(rules, digits);
  const key = JSON.stringify(body);

  useEffect(() => {
    setPreview(null);
    if (!body) return;
    const controller = new AbortController();
    // Counted when the owner pauses typing, not on every key.
    const timer = setTimeout(() => {
      api<{ count: number; warnings: { code: string }[] }>('/v1/segments/preview', { session: staffSession, body: { rules: body }, signal: controller.signal }).then(
        (p) => !controller.signal.aborted && setPreview(p),
        (err: unknown) => !controller.signal.aborted && setError(err),
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `key` is the rules' content: a new object with the same content counts nothing again.
  }, [key]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const segment = await api<SegmentView>('/v1/segments', { session: staffSession, body: { name, rules: body } });
      setSaved(segment.name);
      setName('');
      setRules({ match: 'all', rows: [newRow()] });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="segment-builder-title">
      <h2 id="segment-builder-title">{t('segments.title')}</h2>
      <p>{t('segments.intro')}</p>
      <ErrorBanner error={error} />
      {saved && <Notice>{t('segments.saved', { name: saved })}</Notice>}
      <form onSubmit={save}>
        <Field label={t('segments.name')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} error={fieldErrors(error).name} />
        <GroupEditor group={rules} top onChange={setRules} stores={stores.data?.items ?? []} />
        <p aria-live="polite" data-testid="segment-count">
          {!body ? t('segments.incomplete') : preview ? t('segments.count', { count: preview.count, formatted: formatNumber(preview.count, locale) }) : t('segments.counting')}
        </p>
        {preview?.warnings.some((w) => w.code === 'NO_SCORES') && <Notice kind="warn">{t('segments.noScores')}</Notice>}
        <button type="submit" className="btn" disabled={!body}>
          {t('segments.save')}
        </button>
      </form>
    </section>
  );
}

function GroupEditor({ group, top = false, onChange, onRemove, stores }: { group: Group; top?: boolean; onChange: (g: Group) => void; onRemove?: () => void; stores: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const set = (i: number, next: Row | Group) => onChange({ ...group, rows: group.rows.map((r, j) => (j === i ? next : r)) });
  const remove = (i: number) => onChange({ ...group, rows: group.rows.filter((_, j) => j !== i) });
  return (
    <fieldset className="segment-group">
      <legend>{top ? t('segments.members') : t('segments.group')}</legend>
      <Select label={t('segments.match')} value={group.match} onChange={(e) => onChange({ ...group, match: e.target.value as Match })}>
        <option value="all">{t('segments.all')}</option>
        <option value="any">{t('segments.any')}</option>
      </Select>
      <ol className="segment-rows">
        {group.rows.map((row, i) => (
          <li key={i}>
            {isGroup(row) ? (
              <GroupEditor group={row} onChange={(g) => set(i, g)} onRemove={() => remove(i)} stores={stores} />
            ) : (
              <ConditionEditor row={row} onChange={(r) => set(i, r)} onRemove={group.rows.length > 1 ? () => remove(i) : undefined} stores={stores} />
            )}
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" className="btn secondary" onClick={() => onChange({ ...group, rows: [...group.rows, newRow()] })}>
          {t('segments.addCondition')}
        </button>
        {top && (
          <button type="button" className="btn secondary" onClick={() => onChange({ ...group, rows: [...group.rows, { match: 'any', rows: [newRow()] }] })}>
            {t('segments.addGroup')}
          </button>
        )}
        {onRemove && (
          <button type="button" className="btn secondary" onClick={onRemove}>
            {t('segments.removeGroup')}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function ConditionEditor({ row, onChange, onRemove, stores }: { row: Row; onChange: (r: Row) => void; onRemove?: () => void; stores: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const text = (k: string) => row.text[k] ?? '';
  const setText = (k: string) => (e: { target: { value: string } }) => onChange({ ...row, text: { ...row.text, [k]: e.target.value } });
  const toggle = (v: string) => onChange({ ...row, picks: row.picks.includes(v) ? row.picks.filter((p) => p !== v) : [...row.picks, v] });
  const month = (m: string) => new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, Number(m) - 1, 1)));
  const choiceLabel = (v: string) =>
    row.field === 'rfmSegment' ? t(`analytics.segmentNames.${SEGMENT_KEYS[v]}`) : row.field === 'birthdayMonth' ? month(v) : row.field === 'feedback' ? t(`feedback.band.${v}`) : v;
  const choices = row.field === 'boughtAtStore' ? stores.map((s) => ({ value: s.id, label: s.name })) : (CHOICES[row.field] ?? []).map((v) => ({ value: v, label: choiceLabel(v) }));
  return (
    <div className="segment-condition">
      <Select label={t('segments.field')} value={row.field} onChange={(e) => onChange(newRow(e.target.value as FieldName))}>
        {FIELDS.map((f) => (
          <option key={f} value={f}>
            {t(`segments.fields.${f}`)}
          </option>
        ))}
      </Select>
      {WINDOWED.includes(row.field) && <Field label={t('segments.withinDays')} inputMode="numeric" value={text('withinDays')} onChange={setText('withinDays')} />}
      {BOUNDED.includes(row.field) && (
        <>
          <Field label={t('segments.min')} inputMode={MONEY.includes(row.field) ? 'decimal' : 'numeric'} value={text('min')} onChange={setText('min')} />
          <Field label={t('segments.max')} inputMode={MONEY.includes(row.field) ? 'decimal' : 'numeric'} value={text('max')} onChange={setText('max')} />
        </>
      )}
      {row.field === 'boughtCategory' && <Field label={t('segments.categories')} value={text('categories')} onChange={setText('categories')} />}
      {row.field === 'consent' && (
        <Select label={t('segments.consent')} value={text('kind')} onChange={setText('kind')}>
          {Object.entries(CONSENTS).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {t(label)}
            </option>
          ))}
        </Select>
      )}
      {row.field === 'enrolled' && (
        <>
          <Field label={t('segments.from')} type="date" value={text('from')} onChange={setText('from')} />
          <Field label={t('segments.before')} type="date" value={text('before')} onChange={setText('before')} />
        </>
      )}
      {choices.length > 0 && (
        <fieldset className="segment-choices">
          <legend>{t(`segments.fields.${row.field}`)}</legend>
          {choices.map((c) => (
            <label key={c.value} className="check">
              <input type="checkbox" checked={row.picks.includes(c.value)} onChange={() => toggle(c.value)} /> {c.label}
            </label>
          ))}
        </fieldset>
      )}
      {onRemove && (
        <button type="button" className="btn secondary" onClick={onRemove}>
          {t('segments.remove')}
          <span className="sr-only"> {t(`segments.fields.${row.field}`)}</span>
        </button>
      )}
    </div>
  );
}

/** A segment in the list: its size and kind; a rules segment can be refreshed and shows who entered and left. */
export function SegmentItem({ segment, onChange }: { segment: SegmentView; onChange: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = async () => {
    setError(null);
    try {
      await api(`/v1/segments/${segment.id}/refresh`, { method: 'POST', session: staffSession });
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      {segment.name} — {t('campaigns.memberCount', { formatted: formatNumber(segment.memberCount, locale) })} · {t(`segments.kind.${segment.kind}`)}
      {segment.kind === 'rules' && (
        <>
          {segment.refreshedAt && <> · {t('segments.refreshed', { when: formatDateTime(segment.refreshedAt, locale, merchant.timeZone) })}</>}{' '}
          <button type="button" className="btn secondary" onClick={refresh}>
            {t('segments.refresh')}
          </button>{' '}
          <button type="button" className="btn secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('segments.history', { name: segment.name })}
          </button>
          <ErrorBanner error={error} />
          {open && <SegmentHistory segment={segment} />}
        </>
      )}
    </>
  );
}

/** Who entered and left a rules segment, newest first. */
function SegmentHistory({ segment }: { segment: SegmentView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const changes = useLoad(
    (signal) => api<{ items: { id: number; memberId: string; change: 'entered' | 'left'; changedAt: string }[] }>(`/v1/segments/${segment.id}/changes`, { session: staffSession, signal }),
    [segment.id, segment.refreshedAt],
  );
  if (changes.error) return <ErrorBanner error={changes.error} />;
  if (!changes.data) return null;
  if (!changes.data.items.length) return <p>{t('segments.noHistory')}</p>;
  return (
    <TableWrap label={t('segments.history', { name: segment.name })}>
      <table data-testid="segment-history">
        <thead>
          <tr>
            <th>{t('segments.when')}</th>
            <th>{t('segments.change')}</th>
            <th>{t('segments.member')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.data.items.map((c) => (
            <tr key={c.id}>
              <td>{formatDateTime(c.changedAt, locale, merchant.timeZone)}</td>
              <td>{t(`segments.${c.change}`)}</td>
              <td>
                <Link to={`/admin/members/${c.memberId}`}>{t('segments.open')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
