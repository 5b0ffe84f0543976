import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { currencyDigits, formatDate, formatMoney, formatNumber, formatPercent, minorToInput, parseMoney } from '../format';
import { useLocale } from '../i18n';
import { Checkbox, ConfirmButton, ErrorBanner, Field, Select, TableWrap, useLoad } from '../ui/kit';
import { useAdmin } from './admin-context';
import { OfferCodes } from './OfferCodes';
import type { CategoryOut, GroupOut } from '../../../src/catalogue/catalogue.schemas';
import type { OfferDaily, OfferSimulation } from '../../../src/offer-insights/offer-insights.schemas';
import type { CreateOfferBody, OfferOut, OfferReport } from '../../../src/offers/offers.schemas';
import type { ProgramRules } from '../../../src/rules/program.schemas';
import type { SegmentOutView as SegmentView } from '../../../src/segments/segments.schemas';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

type Mechanic = CreateOfferBody['mechanic'];
type Kind = Mechanic['kind'];
const KINDS: Kind[] = ['percent_off', 'amount_off', 'unit_price', 'multi_buy', 'buy_get', 'spend_reward', 'bonus_points', 'issue_coupon'];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const TEMPLATES = ['percent', 'multiBuy', 'buyGet', 'spend', 'points', 'coupon', 'reward'] as const;
type Template = (typeof TEMPLATES)[number];

/** Lines an offer looks at: SKUs typed, categories and groups picked from the catalogue. */
interface Targets {
  skus: string;
  categories: string[];
  groups: string[];
}

/** The one general form every template fills; text as typed, turned into the API's body by `bodyOf`. */
interface OfferForm {
  name: string;
  kind: Kind;
  target: Targets;
  reward: Targets;
  percent: string;
  amount: string;
  per: 'basket' | 'unit';
  cap: string;
  unitPrice: string;
  quantity: string;
  price: string;
  maxApplications: string;
  buyQuantity: string;
  rewardQuantity: string;
  spend: string;
  rewardKind: 'amount_off' | 'free_item' | 'points';
  rewardAmount: string;
  rewardPoints: string;
  multiplierPercent: string;
  points: string;
  couponAmount: string;
  couponMinSpend: string;
  couponFromDays: string;
  couponDays: string;
  trigger: OfferOut['trigger'];
  /** A code offer's public multi-use code; empty: single-use codes from batches. */
  code: string;
  /** A code offer in the rewards catalogue: its price in points. */
  rewardPrice: string;
  activationRequired: boolean;
  startsOn: string;
  endsOn: string;
  weekdays: string[];
  startTime: string;
  endTime: string;
  storeIds: string[];
  tierCodes: string[];
  segmentIds: string[];
  memberRequired: boolean;
  firstPurchase: boolean;
  minSpend: string;
  minQuantity: string;
  stacking: 'combinable' | 'exclusive' | 'best';
  stackingGroup: string;
  priority: string;
  maxUses: string;
  perMemberUses: string;
  perMemberPeriod: 'day' | 'week' | 'month';
  budget: string;
}

const NO_TARGETS: Targets = { skus: '', categories: [], groups: [] };
const BLANK: OfferForm = {
  name: '',
  kind: 'percent_off',
  target: NO_TARGETS,
  reward: NO_TARGETS,
  percent: '10',
  amount: '',
  per: 'basket',
  cap: '',
  unitPrice: '',
  quantity: '3',
  price: '',
  maxApplications: '',
  buyQuantity: '2',
  rewardQuantity: '1',
  spend: '',
  rewardKind: 'amount_off',
  rewardAmount: '',
  rewardPoints: '',
  multiplierPercent: '',
  points: '',
  couponAmount: '',
  couponMinSpend: '',
  couponFromDays: '7',
  couponDays: '14',
  trigger: 'automatic',
  code: '',
  rewardPrice: '',
  activationRequired: false,
  startsOn: '',
  endsOn: '',
  weekdays: [],
  startTime: '',
  endTime: '',
  storeIds: [],
  tierCodes: [],
  segmentIds: [],
  memberRequired: false,
  firstPurchase: false,
  minSpend: '',
  minQuantity: '',
  stacking: 'combinable',
  stackingGroup: '',
  priority: '0',
  maxUses: '',
  perMemberUses: '',
  perMemberPeriod: 'week',
  budget: '',
};

/**
 * What each template fills in. Coupon batches and rewards are code offers
 * (a reward is one with a price in points, bought from the rewards
 * catalogue): the trigger says so, and the rest is the same general form.
 */
const TEMPLATE_FORMS: Record<Template, Partial<OfferForm>> = {
  percent: { kind: 'percent_off', percent: '10' },
  multiBuy: { kind: 'multi_buy', quantity: '3' },
  buyGet: { kind: 'buy_get', buyQuantity: '2', rewardQuantity: '1', percent: '100' },
  spend: { kind: 'spend_reward', rewardKind: 'amount_off' },
  points: { kind: 'bonus_points', multiplierPercent: '200', memberRequired: true },
  coupon: { kind: 'amount_off', per: 'basket', trigger: 'code' },
  reward: { kind: 'spend_reward', spend: '0', rewardKind: 'free_item', trigger: 'code', rewardPrice: '500', memberRequired: true },
};

/** The offers list with status, uses, cost and budget used, and the builder. */
export function Offers() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('');
  const [changed, setChanged] = useState(0);
  const offers = useLoad((signal) => api<{ items: OfferOut[] }>('/v1/offers', { session: staffSession, signal, query: { status: status || undefined } }), [status, changed]);
  const navigate = useNavigate();
  return (
    <>
      <h1>{t('admin.nav.offers')}</h1>
      <p>{t('offers.intro')}</p>
      <ErrorBanner error={offers.error} />
      <div className="row offer-filter">
        <Select label={t('offers.status')} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t('offers.allStatuses')}</option>
          {(['draft', 'active', 'paused', 'ended'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`offers.statuses.${s}`)}
            </option>
          ))}
        </Select>
      </div>
      {offers.data && offers.data.items.length === 0 && <p className="muted">{t('offers.none')}</p>}
      {!!offers.data?.items.length && <OfferTable offers={offers.data.items} />}
      <Builder
        onSaved={(offer) => {
          setChanged((n) => n + 1);
          navigate(`/admin/offers/${offer.id}`);
        }}
      />
    </>
  );
}

function OfferTable({ offers }: { offers: OfferOut[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const money = (minor: number) => formatMoney(minor, merchant.currency, locale);
  return (
    <TableWrap label={t('admin.nav.offers')}>
      <table className="stacked" data-testid="offers">
        <thead>
          <tr>
            <th>{t('offers.name')}</th>
            <th>{t('offers.kind')}</th>
            <th>{t('offers.status')}</th>
            <th>{t('offers.dates')}</th>
            <th className="num">{t('offers.uses')}</th>
            <th className="num">{t('offers.cost')}</th>
            <th className="num">{t('offers.budgetUsed')}</th>
          </tr>
        </thead>
        <tbody>
          {offers.map((o) => (
            <tr key={o.id}>
              <td data-label={t('offers.name')}>
                <Link to={`/admin/offers/${o.id}`}>{o.name}</Link>
              </td>
              <td data-label={t('offers.kind')}>
                {t(`offers.kinds.${o.mechanic.kind}`)}
                {o.trigger === 'chosen' ? ` · ${t('offers.triggers.chosen')}` : ''}
              </td>
              <td data-label={t('offers.status')}>
                <span className="tag">{t(`offers.statuses.${o.status}`)}</span>
              </td>
              <td data-label={t('offers.dates')}>{o.startsOn ? `${formatDate(o.startsOn, locale, 'UTC')} – ${o.endsOn ? formatDate(o.endsOn, locale, 'UTC') : '…'}` : t('offers.always')}</td>
              <td data-label={t('offers.uses')} className="num">
                {formatNumber(o.uses, locale)}
              </td>
              <td data-label={t('offers.cost')} className="num">
                {t('offers.costValue', { money: money(o.discountMinor), points: formatNumber(o.points, locale) })}
              </td>
              <td data-label={t('offers.budgetUsed')} className="num">
                {o.limits.budgetMinor ? `${formatPercent(o.discountMinor / o.limits.budgetMinor, locale)} / ${money(o.limits.budgetMinor)}` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The builder: pick a template, adjust the general form, simulate it over past sales, save it as a draft. */
function Builder({ onSaved }: { onSaved: (offer: OfferOut) => void }) {
  const { t } = useTranslation();
  const [template, setTemplate] = useState<Template | null>(null);
  const [form, setForm] = useState<OfferForm>(BLANK);
  return (
    <section className="card" aria-labelledby="builder-title">
      <h2 id="builder-title">{t('offers.new')}</h2>
      <fieldset className="templates">
        <legend>{t('offers.template')}</legend>
        {TEMPLATES.map((name) => (
          <button
            key={name}
            type="button"
            className={template === name ? 'btn btn-primary' : 'btn'}
            aria-pressed={template === name}
            onClick={() => {
              setTemplate(name);
              setForm({ ...BLANK, ...TEMPLATE_FORMS[name] });
            }}
          >
            {t(`offers.templates.${name}`)}
          </button>
        ))}
      </fieldset>
      {template && (
        <OfferEditor
          key={template}
          initial={form}
          hint={t(`offers.templateHints.${template}`)}
          save={(body) => api<OfferOut>('/v1/offers', { session: staffSession, body })}
          onSaved={onSaved}
        />
      )}
    </section>
  );
}

/** The catalogue, stores, tiers and segments the form offers as choices. */
function useChoices() {
  const categories = useLoad((signal) => api<{ items: CategoryOut[] }>('/v1/product-categories', { session: staffSession, signal }), []);
  const groups = useLoad((signal) => api<{ items: GroupOut[] }>('/v1/product-groups', { session: staffSession, signal }), []);
  const stores = useLoad((signal) => api<{ items: { id: string; name: string }[] }>('/v1/stores', { session: staffSession, signal, query: { limit: 200 } }), []);
  const program = useLoad((signal) => api<{ rules: ProgramRules }>('/v1/program', { session: staffSession, signal }), []);
  const segments = useLoad((signal) => api<{ items: SegmentView[] }>('/v1/segments', { session: staffSession, signal }), []);
  return {
    categories: categories.data?.items ?? [],
    groups: groups.data?.items ?? [],
    stores: stores.data?.items ?? [],
    tiers: program.data?.rules.tiers ?? [],
    segments: segments.data?.items ?? [],
    error: categories.error ?? groups.error ?? stores.error ?? program.error ?? segments.error,
  };
}

/** The general form: mechanic, targets, conditions, stacking, limits; "simulate" before saving. */
function OfferEditor({ initial, hint, save, onSaved }: { initial: OfferForm; hint?: string; save: (body: CreateOfferBody) => Promise<OfferOut>; onSaved: (offer: OfferOut) => void }) {
  const { t } = useTranslation();
  const { merchant } = useAdmin();
  const digits = currencyDigits(merchant.currency);
  const choices = useChoices();
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [weeks, setWeeks] = useState('8');
  const [simulation, setSimulation] = useState<OfferSimulation | null>(null);
  const [busy, setBusy] = useState(false);
  // A simulated draft's problems come back under body.offer: the same fields as a save's.
  const fields = Object.fromEntries(Object.entries(fieldErrors(error)).map(([k, v]) => [k.replace(/^offer\./, ''), v]));
  const set = <K extends keyof OfferForm>(key: K, value: OfferForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const text = (key: keyof OfferForm) => ({ value: form[key] as string, onChange: (e: { target: { value: string } }) => set(key, e.target.value as never) });
  const m = form.kind;

  async function run(work: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => onSaved(await save(bodyOf(form, digits))));
  };
  const simulate = () =>
    run(async () => {
      setSimulation(null);
      setSimulation(await api<OfferSimulation>('/v1/offers/simulate', { session: staffSession, body: { offer: bodyOf(form, digits), weeks: Number(weeks) } }));
    });

  return (
    <form onSubmit={submit} className="offer-form" noValidate>
      {hint && <p className="muted">{hint}</p>}
      <ErrorBanner error={error ?? choices.error} />
      <div className="row">
        <Field label={t('offers.name')} {...text('name')} required maxLength={200} hint={t('offers.nameHint')} error={fields.name} />
        <Select label={t('offers.kind')} value={form.kind} onChange={(e) => set('kind', e.target.value as Kind)} error={fields['mechanic.kind']}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`offers.kinds.${k}`)}
            </option>
          ))}
        </Select>
        <Select label={t('offers.trigger')} value={form.trigger} onChange={(e) => set('trigger', e.target.value as OfferForm['trigger'])} error={fields.trigger}>
          {(['automatic', 'chosen', 'code', 'personal'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`offers.triggers.${k}`)}
            </option>
          ))}
        </Select>
      </div>
      {form.trigger === 'code' && (
        <div className="row">
          <Field label={t('offers.publicCode')} {...text('code')} maxLength={64} hint={t('offers.publicCodeHint')} error={fields.code} />
          <Field label={t('offers.rewardPrice')} inputMode="numeric" {...text('rewardPrice')} hint={t('offers.optional')} error={fields.rewardPoints} />
        </div>
      )}
      {form.trigger === 'personal' && <Checkbox label={t('offers.activationRequired')} checked={form.activationRequired} onChange={(v) => set('activationRequired', v)} />}

      <fieldset>
        <legend>{t('offers.mechanic')}</legend>
        <div className="row">
          {(m === 'percent_off' || m === 'buy_get') && <Field label={t('offers.percent')} inputMode="numeric" {...text('percent')} error={fields['mechanic.percent']} />}
          {m === 'amount_off' && (
            <>
              <Field label={t('offers.amount')} inputMode="decimal" {...text('amount')} error={fields['mechanic.amountMinor']} />
              <Select label={t('offers.per')} value={form.per} onChange={(e) => set('per', e.target.value as OfferForm['per'])}>
                <option value="basket">{t('offers.perBasket')}</option>
                <option value="unit">{t('offers.perUnit')}</option>
              </Select>
            </>
          )}
          {(m === 'percent_off' || m === 'amount_off') && <Field label={t('offers.cap')} inputMode="decimal" {...text('cap')} hint={t('offers.optional')} error={fields['mechanic.capMinor']} />}
          {m === 'unit_price' && <Field label={t('offers.unitPrice')} inputMode="decimal" {...text('unitPrice')} error={fields['mechanic.unitPriceMinor']} />}
          {m === 'multi_buy' && (
            <>
              <Field label={t('offers.quantity')} inputMode="numeric" {...text('quantity')} error={fields['mechanic.quantity']} />
              <Field label={t('offers.price')} inputMode="decimal" {...text('price')} error={fields['mechanic.priceMinor']} />
            </>
          )}
          {m === 'buy_get' && (
            <>
              <Field label={t('offers.buyQuantity')} inputMode="numeric" {...text('buyQuantity')} error={fields['mechanic.buyQuantity']} />
              <Field label={t('offers.rewardQuantity')} inputMode="numeric" {...text('rewardQuantity')} error={fields['mechanic.rewardQuantity']} />
            </>
          )}
          {(m === 'multi_buy' || m === 'buy_get') && <Field label={t('offers.maxApplications')} inputMode="numeric" {...text('maxApplications')} hint={t('offers.optional')} error={fields['mechanic.maxApplications']} />}
          {(m === 'spend_reward' || m === 'issue_coupon') && <Field label={t('offers.spend')} inputMode="decimal" {...text('spend')} error={fields['mechanic.spendMinor']} />}
          {m === 'spend_reward' && (
            <>
              <Select label={t('offers.rewardKind')} value={form.rewardKind} onChange={(e) => set('rewardKind', e.target.value as OfferForm['rewardKind'])}>
                {(['amount_off', 'free_item', 'points'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`offers.rewardKinds.${k}`)}
                  </option>
                ))}
              </Select>
              {form.rewardKind === 'amount_off' && <Field label={t('offers.amount')} inputMode="decimal" {...text('rewardAmount')} error={fields['mechanic.reward.amountMinor']} />}
              {form.rewardKind === 'points' && <Field label={t('offers.points')} inputMode="numeric" {...text('rewardPoints')} error={fields['mechanic.reward.points']} />}
            </>
          )}
          {m === 'bonus_points' && (
            <>
              <Field label={t('offers.multiplier')} inputMode="numeric" {...text('multiplierPercent')} hint={t('offers.multiplierHint')} error={fields['mechanic.multiplierPercent']} />
              <Field label={t('offers.points')} inputMode="numeric" {...text('points')} hint={t('offers.optional')} error={fields['mechanic.points']} />
              <Select label={t('offers.per')} value={form.per} onChange={(e) => set('per', e.target.value as OfferForm['per'])}>
                <option value="basket">{t('offers.perBasket')}</option>
                <option value="unit">{t('offers.perUnit')}</option>
              </Select>
            </>
          )}
          {m === 'issue_coupon' && (
            <>
              <Field label={t('offers.couponAmount')} inputMode="decimal" {...text('couponAmount')} error={fields['mechanic.coupon.amountOffMinor']} />
              <Field label={t('offers.couponMinSpend')} inputMode="decimal" {...text('couponMinSpend')} hint={t('offers.optional')} error={fields['mechanic.coupon.minSpendMinor']} />
              <Field label={t('offers.couponFromDays')} inputMode="numeric" {...text('couponFromDays')} error={fields['mechanic.coupon.validFromDays']} />
              <Field label={t('offers.couponDays')} inputMode="numeric" {...text('couponDays')} error={fields['mechanic.coupon.validDays']} />
            </>
          )}
        </div>
        <TargetPicker legend={m === 'buy_get' ? t('offers.buyTargets') : t('offers.targets')} hint={t(m === 'multi_buy' || m === 'unit_price' || m === 'buy_get' ? 'offers.targetsRequired' : 'offers.targetsHint')} value={form.target} onChange={(v) => set('target', v)} categories={choices.categories} groups={choices.groups} />
        {(m === 'buy_get' || (m === 'spend_reward' && form.rewardKind === 'free_item')) && (
          <TargetPicker legend={t('offers.rewardTargets')} hint={t('offers.rewardTargetsHint')} value={form.reward} onChange={(v) => set('reward', v)} categories={choices.categories} groups={choices.groups} />
        )}
      </fieldset>

      <fieldset>
        <legend>{t('offers.conditions')}</legend>
        <div className="row">
          <Field label={t('offers.startsOn')} type="date" {...text('startsOn')} error={fields['conditions.schedule.startsOn']} />
          <Field label={t('offers.endsOn')} type="date" {...text('endsOn')} hint={t('offers.optional')} error={fields['conditions.schedule.endsOn']} />
          <Field label={t('offers.startTime')} type="time" {...text('startTime')} hint={t('offers.optional')} />
          <Field label={t('offers.endTime')} type="time" {...text('endTime')} hint={t('offers.optional')} error={fields['conditions.schedule.recurrence']} />
        </div>
        <Choices legend={t('offers.weekdays')} options={WEEKDAYS.map((d) => [d, t(`weekday.${d}`)])} value={form.weekdays} onChange={(v) => set('weekdays', v)} />
        <Choices legend={t('offers.stores')} options={choices.stores.map((s) => [s.id, s.name])} value={form.storeIds} onChange={(v) => set('storeIds', v)} />
        <Choices legend={t('offers.tiers')} options={choices.tiers.map((tier) => [tier.code, tier.name])} value={form.tierCodes} onChange={(v) => set('tierCodes', v)} />
        <Choices legend={t('offers.segments')} options={choices.segments.map((s) => [s.id, s.name])} value={form.segmentIds} onChange={(v) => set('segmentIds', v)} />
        <div className="row">
          <Checkbox label={t('offers.memberRequired')} checked={form.memberRequired} onChange={(v) => set('memberRequired', v)} />
          <Checkbox label={t('offers.firstPurchase')} checked={form.firstPurchase} onChange={(v) => set('firstPurchase', v)} />
        </div>
        <div className="row">
          <Field label={t('offers.minSpend')} inputMode="decimal" {...text('minSpend')} hint={t('offers.optional')} error={fields['conditions.minSpendMinor']} />
          <Field label={t('offers.minQuantity')} inputMode="decimal" {...text('minQuantity')} hint={t('offers.optional')} error={fields['conditions.minQuantityMilli']} />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('offers.stackingAndLimits')}</legend>
        <div className="row">
          <Select label={t('offers.stacking')} value={form.stacking} onChange={(e) => set('stacking', e.target.value as OfferForm['stacking'])}>
            {(['combinable', 'exclusive', 'best'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`offers.stackings.${s}`)}
              </option>
            ))}
          </Select>
          {form.stacking === 'best' && <Field label={t('offers.stackingGroup')} {...text('stackingGroup')} error={fields['stacking.group']} />}
          <Field label={t('offers.priority')} inputMode="numeric" {...text('priority')} hint={t('offers.priorityHint')} error={fields.priority} />
        </div>
        <div className="row">
          <Field label={t('offers.maxUses')} inputMode="numeric" {...text('maxUses')} hint={t('offers.optional')} error={fields['limits.maxUses']} />
          <Field label={t('offers.perMemberUses')} inputMode="numeric" {...text('perMemberUses')} hint={t('offers.optional')} error={fields['limits.perMember.uses']} />
          <Select label={t('offers.perMemberPeriod')} value={form.perMemberPeriod} onChange={(e) => set('perMemberPeriod', e.target.value as OfferForm['perMemberPeriod'])}>
            {(['day', 'week', 'month'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`offers.periods.${p}`)}
              </option>
            ))}
          </Select>
          <Field label={t('offers.budget')} inputMode="decimal" {...text('budget')} hint={t('offers.optional')} error={fields['limits.budgetMinor']} />
        </div>
      </fieldset>

      <div className="row">
        <Select label={t('offers.weeks')} value={weeks} onChange={(e) => setWeeks(e.target.value)}>
          {['4', '8', '13', '26', '52'].map((w) => (
            <option key={w} value={w}>
              {t('offers.weeksValue', { count: Number(w) })}
            </option>
          ))}
        </Select>
        <button type="button" className="btn" disabled={busy} onClick={() => void simulate()}>
          {t('offers.simulate')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('offers.saveDraft')}
        </button>
      </div>
      {simulation && <SimulationView simulation={simulation} />}
    </form>
  );
}

function TargetPicker({ legend, hint, value, onChange, categories, groups }: { legend: string; hint: string; value: Targets; onChange: (v: Targets) => void; categories: CategoryOut[]; groups: GroupOut[] }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p className="muted">{hint}</p>
      <Field label={t('offers.skus')} value={value.skus} onChange={(e) => onChange({ ...value, skus: e.target.value })} hint={t('offers.skusHint')} />
      <Choices legend={t('offers.categories')} options={categories.map((c) => [c.name, c.path.join(' › ')])} value={value.categories} onChange={(v) => onChange({ ...value, categories: v })} />
      <Choices legend={t('offers.groups')} options={groups.map((g) => [g.code, g.name])} value={value.groups} onChange={(v) => onChange({ ...value, groups: v })} />
    </fieldset>
  );
}

/** Several of a short list, as checkboxes; nothing shown when there is nothing to choose. */
function Choices({ legend, options, value, onChange }: { legend: string; options: [string, string][]; value: string[]; onChange: (v: string[]) => void }) {
  if (options.length === 0) return null;
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {options.map(([key, label]) => (
        <Checkbox key={key} label={label} checked={value.includes(key)} onChange={(on) => onChange(on ? [...value, key] : value.filter((v) => v !== key))} />
      ))}
    </fieldset>
  );
}

/** The form as the API's body. Amounts a person typed that are not amounts go as -1, so the server names the field. */
function bodyOf(f: OfferForm, digits: number): CreateOfferBody {
  const money = (s: string) => (s.trim() === '' ? undefined : (parseMoney(s, digits) ?? -1));
  const whole = (s: string) => (s.trim() === '' ? undefined : /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : -1);
  const selector = (x: Targets) => {
    const skus = x.skus
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    return { ...(skus.length ? { skus } : {}), ...(x.categories.length ? { categories: x.categories } : {}), ...(x.groups.length ? { groups: x.groups } : {}) };
  };
  const target = selector(f.target);
  const reward = selector(f.reward);
  const anyTarget = Object.keys(target).length ? target : undefined;
  const mechanics: Record<Kind, () => Record<string, unknown>> = {
    percent_off: () => ({ target: anyTarget, percent: whole(f.percent), capMinor: money(f.cap) }),
    amount_off: () => ({ target: anyTarget, amountMinor: money(f.amount), per: f.per, capMinor: money(f.cap) }),
    unit_price: () => ({ target, unitPriceMinor: money(f.unitPrice) }),
    multi_buy: () => ({ target, quantity: whole(f.quantity), priceMinor: money(f.price), maxApplications: whole(f.maxApplications) }),
    buy_get: () => ({
      buy: target,
      buyQuantity: whole(f.buyQuantity),
      reward: Object.keys(reward).length ? reward : undefined,
      rewardQuantity: whole(f.rewardQuantity),
      percent: whole(f.percent),
      maxApplications: whole(f.maxApplications),
    }),
    spend_reward: () => ({
      target: anyTarget,
      spendMinor: money(f.spend),
      reward:
        f.rewardKind === 'amount_off'
          ? { kind: 'amount_off', amountMinor: money(f.rewardAmount) }
          : f.rewardKind === 'points'
            ? { kind: 'points', points: whole(f.rewardPoints) }
            : { kind: 'free_item', item: reward },
    }),
    bonus_points: () => ({ target: anyTarget, multiplierPercent: whole(f.multiplierPercent), points: whole(f.points), per: f.points.trim() ? f.per : undefined }),
    issue_coupon: () => ({
      target: anyTarget,
      spendMinor: money(f.spend),
      coupon: { amountOffMinor: money(f.couponAmount), minSpendMinor: money(f.couponMinSpend), validFromDays: whole(f.couponFromDays), validDays: whole(f.couponDays) },
    }),
  };
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const timed = f.weekdays.length > 0 || f.startTime !== '';
  const duration = f.startTime && f.endTime ? (minutes(f.endTime) - minutes(f.startTime) + 1440) % 1440 || 1440 : 1440;
  const recurrence = timed ? { rrule: `FREQ=${f.weekdays.length ? 'WEEKLY' : 'DAILY'}${f.weekdays.length ? `;BYDAY=${f.weekdays.join(',')}` : ''}`, startTime: f.startTime || '00:00', durationMinutes: duration } : null;
  const today = new Date().toISOString().slice(0, 10);
  const conditions = {
    ...(f.startsOn || f.endsOn || timed ? { schedule: { startsOn: f.startsOn || today, endsOn: f.endsOn || null, recurrence } } : {}),
    ...(f.storeIds.length ? { storeIds: f.storeIds } : {}),
    ...(f.tierCodes.length ? { tierCodes: f.tierCodes } : {}),
    ...(f.segmentIds.length ? { segmentIds: f.segmentIds } : {}),
    ...(f.memberRequired ? { memberRequired: true } : {}),
    ...(f.firstPurchase ? { firstPurchase: true } : {}),
    ...(f.minSpend.trim() ? { minSpendMinor: money(f.minSpend) } : {}),
    ...(f.minQuantity.trim() ? { minQuantityMilli: Math.round(Number(f.minQuantity.replace(',', '.')) * 1000) } : {}),
  };
  const perMember = whole(f.perMemberUses);
  return {
    name: f.name,
    priority: whole(f.priority) ?? 0,
    stacking: f.stacking === 'best' ? { class: 'best', group: f.stackingGroup } : { class: f.stacking },
    trigger: f.trigger,
    ...(f.trigger === 'code' ? { code: f.code.trim() || null, rewardPoints: whole(f.rewardPrice) ?? null } : {}),
    ...(f.trigger === 'personal' ? { activationRequired: f.activationRequired } : {}),
    conditions,
    mechanic: { kind: f.kind, ...mechanics[f.kind]() } as Mechanic,
    limits: { maxUses: whole(f.maxUses) ?? null, perMember: perMember === undefined ? null : { uses: perMember, period: f.perMemberPeriod }, budgetMinor: money(f.budget) ?? null },
  };
}

/** A saved offer back in the general form, to change a draft or a paused offer. */
function formOf(o: OfferOut, digits: number): OfferForm {
  const money = (minor: number | undefined) => (minor === undefined ? '' : minorToInput(minor, digits));
  const num = (n: number | undefined) => (n === undefined ? '' : String(n));
  const targets = (s: { skus?: string[]; categories?: string[]; groups?: string[] } | undefined): Targets => ({ skus: (s?.skus ?? []).join(', '), categories: s?.categories ?? [], groups: s?.groups ?? [] });
  const m = o.mechanic;
  const c = o.conditions ?? {};
  const rec = c.schedule?.recurrence ?? null;
  const endMinutes = rec ? (Number(rec.startTime.slice(0, 2)) * 60 + Number(rec.startTime.slice(3, 5)) + rec.durationMinutes) % 1440 : 0;
  const f: OfferForm = {
    ...BLANK,
    name: o.name,
    kind: m.kind,
    trigger: o.trigger,
    code: o.code ?? '',
    rewardPrice: o.rewardPoints === null ? '' : String(o.rewardPoints),
    activationRequired: o.activationRequired,
    startsOn: c.schedule?.startsOn ?? '',
    endsOn: c.schedule?.endsOn ?? '',
    weekdays: /BYDAY=([A-Z,]+)/.exec(rec?.rrule ?? '')?.[1].split(',') ?? [],
    startTime: rec && rec.durationMinutes < 1440 ? rec.startTime : '',
    endTime: rec && rec.durationMinutes < 1440 ? `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}` : '',
    storeIds: c.storeIds ?? [],
    tierCodes: c.tierCodes ?? [],
    segmentIds: c.segmentIds ?? [],
    memberRequired: c.memberRequired ?? false,
    firstPurchase: c.firstPurchase ?? false,
    minSpend: money(c.minSpendMinor),
    minQuantity: c.minQuantityMilli === undefined ? '' : String(c.minQuantityMilli / 1000),
    stacking: o.stacking.class,
    stackingGroup: o.stacking.class === 'best' ? o.stacking.group : '',
    priority: String(o.priority),
    maxUses: o.limits.maxUses === null ? '' : String(o.limits.maxUses),
    perMemberUses: o.limits.perMember ? String(o.limits.perMember.uses) : '',
    perMemberPeriod: o.limits.perMember?.period ?? 'week',
    budget: o.limits.budgetMinor === null ? '' : minorToInput(o.limits.budgetMinor, digits),
  };
  switch (m.kind) {
    case 'percent_off':
      return { ...f, target: targets(m.target), percent: num(m.percent), cap: money(m.capMinor) };
    case 'amount_off':
      return { ...f, target: targets(m.target), amount: money(m.amountMinor), per: m.per, cap: money(m.capMinor) };
    case 'unit_price':
      return { ...f, target: targets(m.target), unitPrice: money(m.unitPriceMinor) };
    case 'multi_buy':
      return { ...f, target: targets(m.target), quantity: num(m.quantity), price: money(m.priceMinor), maxApplications: num(m.maxApplications) };
    case 'buy_get':
      return { ...f, target: targets(m.buy), reward: targets(m.reward), buyQuantity: num(m.buyQuantity), rewardQuantity: num(m.rewardQuantity), percent: num(m.percent), maxApplications: num(m.maxApplications) };
    case 'spend_reward': {
      const r = m.reward;
      const rewardFields =
        r.kind === 'amount_off' ? { rewardAmount: money(r.amountMinor) } : r.kind === 'points' ? { rewardPoints: num(r.points) } : { reward: targets(r.item) };
      return { ...f, target: targets(m.target), spend: money(m.spendMinor), rewardKind: r.kind, ...rewardFields };
    }
    case 'bonus_points':
      return { ...f, target: targets(m.target), multiplierPercent: num(m.multiplierPercent), points: num(m.points), per: m.per ?? 'basket' };
    case 'issue_coupon':
      return {
        ...f,
        target: targets(m.target),
        spend: money(m.spendMinor),
        couponAmount: money(m.coupon.amountOffMinor),
        couponMinSpend: money(m.coupon.minSpendMinor),
        couponFromDays: num(m.coupon.validFromDays),
        couponDays: num(m.coupon.validDays),
      };
  }
}

/** A chart's day: month and day only, so thirty of them fit under the bars. */
function dayLabel(iso: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone }).format(new Date(iso));
}

/** A labelled figure. */
function Kpi({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="card">
      <div className="muted">{label}</div>
      <div className="kpi" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/** What the offer would have done over the past weeks, with a chart per week and the same figures as a table. */
function SimulationView({ simulation: s }: { simulation: OfferSimulation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const money = (minor: number | null) => (minor === null ? '—' : formatMoney(minor, merchant.currency, locale));
  const digits = currencyDigits(merchant.currency);
  return (
    <section aria-labelledby="simulation-title" data-testid="simulation">
      <h3 id="simulation-title">{t('offers.simulationTitle', { count: s.weeks })}</h3>
      <div className="grid kpis">
        <Kpi label={t('offers.qualifyingBaskets')} testId="sim-baskets">
          {t('offers.ofAll', { part: formatNumber(s.qualifyingBaskets, locale), all: formatNumber(s.baskets, locale) })}
        </Kpi>
        <Kpi label={t('offers.qualifyingMembers')}>{t('offers.ofAll', { part: formatNumber(s.qualifyingMembers, locale), all: formatNumber(s.members, locale) })}</Kpi>
        <Kpi label={t('offers.discountCost')} testId="sim-discount">
          {money(s.discountMinor)}
        </Kpi>
        <Kpi label={t('offers.pointsCost')}>{formatNumber(s.points, locale)}</Kpi>
        <Kpi label={t('offers.averageQualifying')}>{money(s.averageQualifyingBasketMinor)}</Kpi>
        <Kpi label={t('offers.averageAll')}>{money(s.averageBasketMinor)}</Kpi>
      </div>
      <div className="chart-box">
        <Bar
          aria-label={t('offers.simulationChart')}
          role="img"
          data={{
            labels: s.series.map((w) => dayLabel(w.weekStart, locale, merchant.timeZone)),
            datasets: [{ label: t('offers.discountCost'), data: s.series.map((w) => w.discountMinor / 10 ** digits), backgroundColor: '#0a6b4f' }],
          }}
          options={{ responsive: true, maintainAspectRatio: false }}
        />
      </div>
      <details>
        <summary>{t('offers.perWeek')}</summary>
        <TableWrap label={t('offers.perWeek')}>
          <table>
            <thead>
              <tr>
                <th>{t('offers.weekOf')}</th>
                <th className="num">{t('offers.baskets')}</th>
                <th className="num">{t('offers.qualifyingBaskets')}</th>
                <th className="num">{t('offers.discountCost')}</th>
                <th className="num">{t('offers.pointsCost')}</th>
              </tr>
            </thead>
            <tbody>
              {s.series.map((w) => (
                <tr key={w.weekStart}>
                  <td>{formatDate(w.weekStart, locale, merchant.timeZone)}</td>
                  <td className="num">{formatNumber(w.baskets, locale)}</td>
                  <td className="num">{formatNumber(w.qualifyingBaskets, locale)}</td>
                  <td className="num">{money(w.discountMinor)}</td>
                  <td className="num">{formatNumber(w.points, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </section>
  );
}

/** One offer: what it is, simulate, activate / pause / end, change it while it is not running, and its report. */
export function OfferPage() {
  const { t } = useTranslation();
  const { offerId = '' } = useParams();
  const { merchant } = useAdmin();
  const locale = useLocale();
  const [changed, setChanged] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [simulation, setSimulation] = useState<OfferSimulation | null>(null);
  const offer = useLoad((signal) => api<OfferOut>(`/v1/offers/${offerId}`, { session: staffSession, signal }), [offerId, changed]);
  const o = offer.data;
  const act = async (action: 'activate' | 'pause' | 'end') => {
    setError(null);
    try {
      await api(`/v1/offers/${offerId}/${action}`, { method: 'POST', session: staffSession });
      setChanged((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  };
  const simulate = async () => {
    setError(null);
    try {
      setSimulation(await api<OfferSimulation>(`/v1/offers/${offerId}/simulate`, { session: staffSession, body: { weeks: 8 } }));
    } catch (err) {
      setError(err);
    }
  };
  if (offer.error instanceof ApiError && offer.error.status === 404) return <ErrorBanner error={offer.error} />;
  return (
    <>
      <Link to="/admin/offers">← {t('admin.nav.offers')}</Link>
      <ErrorBanner error={error ?? offer.error} />
      {o && (
        <>
          <h1>{o.name}</h1>
          <p>
            <span className="tag" data-testid="offer-status">
              {t(`offers.statuses.${o.status}`)}
            </span>{' '}
            {t(`offers.kinds.${o.mechanic.kind}`)} · {t(`offers.triggers.${o.trigger}`)} · {t(`offers.stackings.${o.stacking.class}`)}
            {o.activatedAt && <> · {t('offers.activatedAt', { date: formatDate(o.activatedAt, locale, merchant.timeZone) })}</>}
          </p>
          <div className="row offer-actions">
            {(o.status === 'draft' || o.status === 'paused') && (
              <button type="button" className="btn" onClick={() => void simulate()}>
                {t('offers.simulate')}
              </button>
            )}
            {(o.status === 'draft' || o.status === 'paused') && (
              <button type="button" className="btn btn-primary" onClick={() => void act('activate')}>
                {t('offers.activate')}
              </button>
            )}
            {o.status === 'active' && (
              <button type="button" className="btn" onClick={() => void act('pause')}>
                {t('offers.pause')}
              </button>
            )}
            {(o.status === 'draft' || o.status === 'paused') && (
              <button type="button" className="btn" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
                {t('offers.edit')}
              </button>
            )}
            {o.status !== 'ended' && <ConfirmButton label={t('offers.end')} question={t('offers.endQuestion', { name: o.name })} confirmLabel={t('offers.end')} onConfirm={() => act('end')} />}
          </div>
          {simulation && (
            <div className="card">
              <SimulationView simulation={simulation} />
            </div>
          )}
          {editing && (o.status === 'draft' || o.status === 'paused') && (
            <section className="card" aria-labelledby="edit-title">
              <h2 id="edit-title">{t('offers.edit')}</h2>
              <OfferEditor
                initial={formOf(o, currencyDigits(merchant.currency))}
                save={(body) => api<OfferOut>(`/v1/offers/${offerId}`, { method: 'PATCH', session: staffSession, body })}
                onSaved={() => {
                  setEditing(false);
                  setChanged((n) => n + 1);
                }}
              />
            </section>
          )}
          {o.trigger === 'code' && o.status !== 'ended' && <OfferCodes offerId={offerId} />}
          {o.status !== 'draft' && <Report offerId={offerId} changed={changed} />}
        </>
      )}
    </>
  );
}

/** What the offer did: uses, members, cost, sales of its baskets, offline uses to look at, and a chart per day. */
function Report({ offerId, changed }: { offerId: string; changed: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant } = useAdmin();
  const report = useLoad((signal) => api<OfferReport>(`/v1/offers/${offerId}/report`, { session: staffSession, signal }), [offerId, changed]);
  const daily = useLoad((signal) => api<OfferDaily>(`/v1/offers/${offerId}/report/daily`, { session: staffSession, signal, query: { days: 30 } }), [offerId, changed]);
  const r = report.data;
  const money = (minor: number) => formatMoney(minor, merchant.currency, locale);
  const digits = currencyDigits(merchant.currency);
  return (
    <section className="card" aria-labelledby="offer-report-title" data-testid="offer-report">
      <h2 id="offer-report-title">{t('offers.report')}</h2>
      <ErrorBanner error={report.error ?? daily.error} />
      {r && (
        <div className="grid kpis">
          <Kpi label={t('offers.uses')} testId="report-uses">
            {formatNumber(r.uses, locale)}
          </Kpi>
          <Kpi label={t('offers.members')}>{formatNumber(r.members, locale)}</Kpi>
          <Kpi label={t('offers.discountCost')} testId="report-discount">
            {money(r.discountMinor)}
          </Kpi>
          <Kpi label={t('offers.pointsCost')}>{formatNumber(r.points, locale)}</Kpi>
          <Kpi label={t('offers.sales')}>{money(r.salesMinor)}</Kpi>
          <Kpi label={t('offers.offlineUses')}>{t('offers.offlineValue', { offline: formatNumber(r.offlineUses, locale), flagged: formatNumber(r.flaggedUses, locale) })}</Kpi>
        </div>
      )}
      {daily.data && (
        <div className="chart-box">
          <Bar
            aria-label={t('offers.reportChart')}
            role="img"
            data={{
              labels: daily.data.days.map((d) => dayLabel(`${d.date}T12:00:00Z`, locale, 'UTC')),
              datasets: [{ label: t('offers.discountCost'), data: daily.data.days.map((d) => d.discountMinor / 10 ** digits), backgroundColor: '#0a6b4f' }],
            }}
            options={{ responsive: true, maintainAspectRatio: false }}
          />
        </div>
      )}
      {!!r?.flags.length && (
        <TableWrap label={t('offers.flags')}>
          <table>
            <caption className="muted">{t('offers.flags')}</caption>
            <thead>
              <tr>
                <th>{t('offers.when')}</th>
                <th>{t('offers.flag')}</th>
                <th className="num">{t('offers.discountCost')}</th>
              </tr>
            </thead>
            <tbody>
              {r.flags.map((f) => (
                <tr key={f.purchaseId}>
                  <td>{formatDate(f.occurredAt, locale, merchant.timeZone)}</td>
                  <td>{t(`offers.flagNames.${f.flag}`)}</td>
                  <td className="num">{money(f.discountMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
