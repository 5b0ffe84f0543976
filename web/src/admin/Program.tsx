import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { currencyDigits, formatDateTime, minorToInput, parseMoney } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Field, Notice, Select, useLoad } from '../ui/kit';
import { useAdmin } from './admin-context';
import type { ProgramRules } from '../../../src/rules/program.schemas';

interface ProgramView {
  version: number;
  effectiveFrom: string;
  createdBy: string | null;
  rules: ProgramRules;
}

type Promotion = ProgramRules['promotions'][number];
type Tier = ProgramRules['tiers'][number];

/**
 * The loyalty program editor. The common settings have their own fields;
 * everything else (SKU multipliers, product bonuses…) is editable as JSON,
 * which the server validates with the same zod schema. Saving makes a new
 * version; past purchases keep the version they were earned under.
 */
export function Program() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { merchant, staff } = useAdmin();
  const digits = currencyDigits(merchant.currency);
  const current = useLoad((signal) => api<ProgramView>('/v1/program', { session: staffSession, signal }), []);
  const [rules, setRules] = useState<ProgramRules | null>(null);
  const [json, setJson] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const fields = fieldErrors(error);
  const canEdit = staff.role === 'owner' || staff.role === 'manager';

  useEffect(() => {
    if (current.data) {
      setRules(current.data.rules);
      setJson(JSON.stringify(current.data.rules, null, 2));
    }
  }, [current.data]);

  if (!rules) return <ErrorBanner error={current.error} />;
  const earning = rules.earning;
  const update = (next: ProgramRules) => {
    setRules(next);
    setJson(JSON.stringify(next, null, 2));
  };
  const fieldError = (path: string) => fields[`rules.${path}`];

  async function save(e: FormEvent, fromJson = false) {
    e.preventDefault();
    setError(null);
    setSaved(null);
    let body: ProgramRules | null = rules;
    if (fromJson) {
      try {
        body = JSON.parse(json) as ProgramRules;
      } catch {
        setError(new Error(t('program.badJson')));
        return;
      }
    }
    try {
      const answer = await api<ProgramView>('/v1/program', { method: 'PUT', session: staffSession, body: { rules: body } });
      setSaved(answer.version);
      current.reload();
    } catch (err) {
      setError(err);
    }
  }

  const spendFor = minorToInput(earning.baseRate.perMinor, digits);
  return (
    <>
      <h1>{t('admin.nav.program')}</h1>
      {current.data && (
        <p className="muted" data-testid="program-version">
          {current.data.version === 0
            ? t('program.defaultVersion')
            : t('program.version', { version: current.data.version, from: formatDateTime(current.data.effectiveFrom, locale, merchant.timeZone) })}
        </p>
      )}
      <ErrorBanner error={error} />
      {saved !== null && <Notice>{t('program.saved', { version: saved })}</Notice>}
      <ReturnRateHint rules={rules} saved={current.data?.rules ?? null} locale={locale} />
      <form className="stack" onSubmit={(e) => save(e)}>
        <fieldset className="card" disabled={!canEdit}>
          <legend>{t('program.earning')}</legend>
          <div className="row">
            <Field
              label={t('program.points')}
              type="number"
              min={0}
              value={String(earning.baseRate.points)}
              onChange={(e) => update({ ...rules, earning: { ...earning, baseRate: { ...earning.baseRate, points: Number(e.target.value) } } })}
              error={fieldError('earning.baseRate.points')}
            />
            <Field
              label={t('program.perSpend', { currency: merchant.currency })}
              defaultValue={spendFor}
              key={`per-${current.data?.version}`}
              inputMode="decimal"
              onChange={(e) => {
                const minor = parseMoney(e.target.value, digits);
                if (minor !== null && minor > 0) update({ ...rules, earning: { ...earning, baseRate: { ...earning.baseRate, perMinor: minor } } });
              }}
              error={fieldError('earning.baseRate.perMinor')}
            />
            <Select label={t('program.rounding')} value={earning.rounding} onChange={(e) => update({ ...rules, earning: { ...earning, rounding: e.target.value as ProgramRules['earning']['rounding'] } })}>
              {(['floor', 'round', 'ceil'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`program.roundings.${r}`)}
                </option>
              ))}
            </Select>
          </div>
          <div className="row">
            <Field
              label={t('program.minimumSpend', { currency: merchant.currency })}
              defaultValue={minorToInput(earning.minimumSpendMinor, digits)}
              inputMode="decimal"
              onChange={(e) => {
                const minor = parseMoney(e.target.value || '0', digits);
                if (minor !== null) update({ ...rules, earning: { ...earning, minimumSpendMinor: minor } });
              }}
            />
            <Field
              label={t('program.firstPurchaseBonus')}
              type="number"
              min={0}
              value={String(earning.firstPurchaseBonus)}
              onChange={(e) => update({ ...rules, earning: { ...earning, firstPurchaseBonus: Number(e.target.value) } })}
            />
            <Field
              label={t('program.excludedCategories')}
              defaultValue={earning.excludedCategories.join(', ')}
              onBlur={(e) => update({ ...rules, earning: { ...earning, excludedCategories: splitList(e.target.value) } })}
              hint={t('program.commaList')}
            />
          </div>
          <h2 className="subhead">{t('program.categoryMultipliers')}</h2>
          <p className="muted">{t('program.categoryMultipliersHelp')}</p>
          {earning.categoryMultipliers.map((m, i) => (
            <div className="row" key={i} role="group" aria-label={t('program.categoryMultiplierN', { n: i + 1 })}>
              <Field
                label={t('program.category')}
                value={m.category}
                maxLength={64}
                onChange={(e) =>
                  update({ ...rules, earning: { ...earning, categoryMultipliers: earning.categoryMultipliers.map((q, j) => (j === i ? { ...q, category: e.target.value.trim() } : q)) } })
                }
                error={fieldError(`earning.categoryMultipliers.${i}.category`)}
              />
              <Field
                label={t('program.multiplier')}
                type="number"
                min={0}
                max={10000}
                value={String(m.multiplierPercent)}
                onChange={(e) =>
                  update({
                    ...rules,
                    earning: { ...earning, categoryMultipliers: earning.categoryMultipliers.map((q, j) => (j === i ? { ...q, multiplierPercent: Number(e.target.value) } : q)) },
                  })
                }
                hint={t('program.multiplierHint')}
                error={fieldError(`earning.categoryMultipliers.${i}.multiplierPercent`)}
              />
              <button type="button" className="btn btn-danger" onClick={() => update({ ...rules, earning: { ...earning, categoryMultipliers: earning.categoryMultipliers.filter((_, j) => j !== i) } })}>
                {t('common.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn"
            onClick={() => update({ ...rules, earning: { ...earning, categoryMultipliers: [...earning.categoryMultipliers, { category: '', multiplierPercent: 200 }] } })}
          >
            {t('program.addCategoryMultiplier')}
          </button>
        </fieldset>

        <fieldset className="card" disabled={!canEdit}>
          <legend>{t('program.promotions')}</legend>
          <p className="muted">{t('program.timesIn', { zone: merchant.timeZone })}</p>
          {rules.promotions.map((p, i) => (
            <PromotionRow
              key={i}
              index={i}
              promotion={p}
              onChange={(next) => update({ ...rules, promotions: rules.promotions.map((q, j) => (j === i ? next : q)) })}
              onRemove={() => update({ ...rules, promotions: rules.promotions.filter((_, j) => j !== i) })}
            />
          ))}
          <button
            type="button"
            className="btn"
            onClick={() =>
              update({
                ...rules,
                promotions: [
                  ...rules.promotions,
                  {
                    code: `promo${rules.promotions.length + 1}`,
                    name: t('program.newPromotion'),
                    multiplierPercent: 200,
                    bonusPoints: 0,
                    startsOn: new Date().toISOString().slice(0, 10),
                    endsOn: null,
                    recurrence: null,
                    storeIds: null,
                    tierCodes: null,
                    categories: null,
                  },
                ],
              })
            }
          >
            {t('program.addPromotion')}
          </button>
        </fieldset>

        <fieldset className="card" disabled={!canEdit}>
          <legend>{t('program.tiers')}</legend>
          <div className="row">
            <Select
              label={t('program.tierBasis')}
              value={rules.tierPolicy.basis}
              onChange={(e) => update({ ...rules, tierPolicy: { ...rules.tierPolicy, basis: e.target.value as 'spend' | 'points' } })}
            >
              <option value="spend">{t('program.basis.spend')}</option>
              <option value="points">{t('program.basis.points')}</option>
            </Select>
            <Field
              label={t('program.windowDays')}
              type="number"
              min={1}
              value={String(rules.tierPolicy.windowDays)}
              onChange={(e) => update({ ...rules, tierPolicy: { ...rules.tierPolicy, windowDays: Number(e.target.value) } })}
            />
          </div>
          {rules.tiers.map((tier, i) => (
            <TierRow
              key={i}
              tier={tier}
              digits={rules.tierPolicy.basis === 'spend' ? digits : 0}
              onChange={(next) => update({ ...rules, tiers: rules.tiers.map((q, j) => (j === i ? next : q)) })}
              onRemove={() => update({ ...rules, tiers: rules.tiers.filter((_, j) => j !== i) })}
            />
          ))}
          <button
            type="button"
            className="btn"
            onClick={() =>
              update({ ...rules, tiers: [...rules.tiers, { code: `tier${rules.tiers.length + 1}`, name: t('program.newTier'), threshold: 0, earnMultiplierPercent: 100, benefits: '' }] })
            }
          >
            {t('program.addTier')}
          </button>
        </fieldset>

        <fieldset className="card" disabled={!canEdit}>
          <legend>{t('program.redemption')}</legend>
          <div className="row">
            <Field
              label={t('program.pointsPerUnit')}
              type="number"
              min={1}
              value={String(rules.redemption.pointsPerUnit)}
              onChange={(e) => update({ ...rules, redemption: { ...rules.redemption, pointsPerUnit: Number(e.target.value) } })}
            />
            <Field
              label={t('program.unitValue', { currency: merchant.currency })}
              defaultValue={minorToInput(rules.redemption.unitValueMinor, digits)}
              inputMode="decimal"
              onChange={(e) => {
                const minor = parseMoney(e.target.value, digits);
                if (minor) update({ ...rules, redemption: { ...rules.redemption, unitValueMinor: minor } });
              }}
            />
            <Field
              label={t('program.minPoints')}
              type="number"
              min={0}
              value={String(rules.redemption.minPoints)}
              onChange={(e) => update({ ...rules, redemption: { ...rules.redemption, minPoints: Number(e.target.value) } })}
            />
            <Field
              label={t('program.step')}
              type="number"
              min={1}
              value={String(rules.redemption.step)}
              onChange={(e) => update({ ...rules, redemption: { ...rules.redemption, step: Number(e.target.value) } })}
            />
            <Field
              label={t('program.maxShare')}
              type="number"
              min={1}
              max={100}
              value={String(rules.redemption.maxShareOfBasketPercent)}
              onChange={(e) => update({ ...rules, redemption: { ...rules.redemption, maxShareOfBasketPercent: Number(e.target.value) } })}
            />
          </div>
          <div className="row">
            <Field
              label={t('program.pendingDays')}
              type="number"
              min={0}
              value={String(rules.pendingDays)}
              onChange={(e) => update({ ...rules, pendingDays: Number(e.target.value) })}
            />
            <Select
              label={t('program.expiry')}
              value={rules.expiry.kind}
              onChange={(e) => {
                const kind = e.target.value as ProgramRules['expiry']['kind'];
                const expiry: ProgramRules['expiry'] =
                  kind === 'days' ? { kind, days: 365 } : kind === 'end_of_month' ? { kind, monthsAfter: 12 } : kind === 'end_of_year' ? { kind, yearsAfter: 1 } : { kind: 'never' };
                update({ ...rules, expiry });
              }}
            >
              {(['never', 'days', 'end_of_month', 'end_of_year'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`program.expiryKinds.${k}`)}
                </option>
              ))}
            </Select>
            <Select label={t('program.clawback')} value={rules.returnClawback} onChange={(e) => update({ ...rules, returnClawback: e.target.value as 'negative' | 'cap' })}>
              <option value="negative">{t('program.clawbacks.negative')}</option>
              <option value="cap">{t('program.clawbacks.cap')}</option>
            </Select>
          </div>
        </fieldset>
        {canEdit && (
          <button type="submit" className="btn btn-primary btn-big">
            {t('program.save')}
          </button>
        )}
      </form>

      <details className="card">
        <summary>{t('program.advanced')}</summary>
        <form className="stack" onSubmit={(e) => save(e, true)}>
          <label htmlFor="program-json">{t('program.json')}</label>
          <textarea id="program-json" rows={20} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} style={{ fontFamily: 'monospace' }} readOnly={!canEdit} />
          {canEdit && (
            <button type="submit" className="btn">
              {t('program.saveJson')}
            </button>
          )}
        </form>
      </details>
    </>
  );
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const DAY_MINUTES = 24 * 60;

/** "HH:MM" → minutes after midnight. */
function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

function timeOf(minutes: number): string {
  const m = ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * The promotion's days and hours as the recurrence the server keeps: every day
 * or one weekday, from a time until a time (past midnight is fine). The whole
 * day on every day is no recurrence at all.
 */
function recurrenceOf(weekday: string, from: string, until: string): Promotion['recurrence'] {
  const duration = (minutesOf(until) - minutesOf(from) + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  if (!weekday && duration === DAY_MINUTES) return null;
  return { rrule: weekday ? `FREQ=WEEKLY;BYDAY=${weekday}` : 'FREQ=DAILY', startTime: from, durationMinutes: duration };
}

function PromotionRow({ index, promotion: p, onChange, onRemove }: { index: number; promotion: Promotion; onChange: (p: Promotion) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const weekday = /^FREQ=WEEKLY;BYDAY=([A-Z]{2})$/.exec(p.recurrence?.rrule ?? '')?.[1] ?? '';
  // A rule the form cannot show (set in JSON) is kept as it is and edited in JSON.
  const custom = p.recurrence !== null && p.recurrence.rrule !== 'FREQ=DAILY' && !weekday;
  const from = p.recurrence?.startTime ?? '00:00';
  const until = timeOf(minutesOf(from) + (p.recurrence?.durationMinutes ?? DAY_MINUTES));
  return (
    <div className="card row" role="group" aria-label={t('program.promotionN', { n: index + 1, name: p.name })}>
      <Field label={t('program.promoName')} value={p.name} onChange={(e) => onChange({ ...p, name: e.target.value })} maxLength={200} />
      <Field label={t('program.multiplier')} type="number" min={0} value={String(p.multiplierPercent)} onChange={(e) => onChange({ ...p, multiplierPercent: Number(e.target.value) })} />
      <Field label={t('program.bonusPoints')} type="number" min={0} value={String(p.bonusPoints)} onChange={(e) => onChange({ ...p, bonusPoints: Number(e.target.value) })} />
      <Field label={t('program.startsOn')} type="date" value={p.startsOn} onChange={(e) => onChange({ ...p, startsOn: e.target.value })} />
      <Field label={t('program.endsOn')} type="date" value={p.endsOn ?? ''} onChange={(e) => onChange({ ...p, endsOn: e.target.value || null })} />
      {custom ? (
        <p className="muted">{t('program.customSchedule', { rule: p.recurrence?.rrule })}</p>
      ) : (
        <>
          <Select label={t('program.weekday')} value={weekday} onChange={(e) => onChange({ ...p, recurrence: recurrenceOf(e.target.value, from, until) })}>
            <option value="">{t('program.everyDay')}</option>
            {WEEKDAYS.map((d) => (
              <option key={d} value={d}>
                {t(`weekday.${d}`)}
              </option>
            ))}
          </Select>
          <Field label={t('program.fromTime')} type="time" value={from} onChange={(e) => e.target.value && onChange({ ...p, recurrence: recurrenceOf(weekday, e.target.value, until) })} />
          <Field
            label={t('program.untilTime')}
            type="time"
            value={until}
            onChange={(e) => e.target.value && onChange({ ...p, recurrence: recurrenceOf(weekday, from, e.target.value) })}
            hint={t('program.untilHint')}
          />
        </>
      )}
      <Field
        label={t('program.promoCategories')}
        defaultValue={(p.categories ?? []).join(', ')}
        onBlur={(e) => {
          const list = splitList(e.target.value);
          onChange({ ...p, categories: list.length > 0 ? list : null });
        }}
        hint={t('program.promoCategoriesHint')}
      />
      <button type="button" className="btn btn-danger" onClick={onRemove}>
        {t('common.remove')}
      </button>
    </div>
  );
}

/**
 * What a shopper gets back, in percent of what they spend: points per minor
 * unit times what a point is worth. When the earn rate changes and this moves,
 * the redemption value may no longer be what the owner meant (issue 14).
 */
function returnPercent(rules: ProgramRules): number {
  const { points, perMinor } = rules.earning.baseRate;
  const { pointsPerUnit, unitValueMinor } = rules.redemption;
  return ((points / perMinor) * (unitValueMinor / pointsPerUnit)) * 100;
}

function ReturnRateHint({ rules, saved, locale }: { rules: ProgramRules; saved: ProgramRules | null; locale: string }) {
  const { t } = useTranslation();
  const now = returnPercent(rules);
  const before = saved ? returnPercent(saved) : now;
  const percent = (v: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(v);
  const earnChanged = saved !== null && (saved.earning.baseRate.points !== rules.earning.baseRate.points || saved.earning.baseRate.perMinor !== rules.earning.baseRate.perMinor);
  if (earnChanged && Math.abs(now - before) > 1e-9) {
    return <Notice kind="warn">{t('program.valueHint', { now: percent(now), before: percent(before) })}</Notice>;
  }
  return (
    <p className="muted" data-testid="return-rate">
      {t('program.returnRate', { now: percent(now) })}
    </p>
  );
}

function TierRow({ tier, digits, onChange, onRemove }: { tier: Tier; digits: number; onChange: (t: Tier) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="card row">
      <Field label={t('program.tierCode')} value={tier.code} onChange={(e) => onChange({ ...tier, code: e.target.value })} />
      <Field label={t('common.name')} value={tier.name} onChange={(e) => onChange({ ...tier, name: e.target.value })} />
      <Field
        label={t('program.threshold')}
        defaultValue={minorToInput(tier.threshold, digits)}
        inputMode="decimal"
        onChange={(e) => {
          const v = parseMoney(e.target.value || '0', digits);
          if (v !== null) onChange({ ...tier, threshold: v });
        }}
      />
      <Field label={t('program.multiplier')} type="number" min={0} value={String(tier.earnMultiplierPercent)} onChange={(e) => onChange({ ...tier, earnMultiplierPercent: Number(e.target.value) })} />
      <button type="button" className="btn btn-danger" onClick={onRemove}>
        {t('common.remove')}
      </button>
    </div>
  );
}
