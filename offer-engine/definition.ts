import { isScheduleActive, rruleProblem } from './recurrence';
import { OFFER_TRIGGERS, type LineSelector, type Mechanic, type OfferContext, type OfferDefinition } from './types';
import { skip, type Skip } from './mechanics';

/**
 * What is wrong with an offer definition, or null. The engine checks every
 * definition before using it, so one bad offer in a till's stored set is
 * skipped (INVALID_DEFINITION) instead of stopping the sale; the offers API
 * validates on save with the same rules.
 */
export function definitionProblem(def: OfferDefinition): string | null {
  if (typeof def !== 'object' || def === null) return 'an offer must be an object';
  if (typeof def.id !== 'string' || def.id === '') return 'id must be a non-empty string';
  if (typeof def.name !== 'string') return 'name must be a string';
  if (!Number.isSafeInteger(def.priority)) return 'priority must be an integer';
  const s = def.stacking;
  if (!s || !['exclusive', 'combinable', 'best'].includes(s.class)) return 'stacking.class must be exclusive, combinable or best';
  if (s.class === 'best' && (typeof s.group !== 'string' || s.group === '')) return 'stacking.group must name the group';
  if (!OFFER_TRIGGERS.includes(def.trigger)) return 'trigger must be automatic, chosen, code or personal';
  const c = def.conditions ?? {};
  for (const key of ['minSpendMinor', 'minQuantityMilli'] as const) {
    if (c[key] !== undefined && !count(c[key], 0)) return `conditions.${key} must be a whole number ≥ 0`;
  }
  for (const key of ['storeIds', 'tierCodes', 'segmentIds'] as const) {
    if (c[key] !== undefined && !strings(c[key])) return `conditions.${key} must be a list of strings`;
  }
  if (c.schedule) {
    const { startsOn, endsOn, recurrence } = c.schedule;
    if (!isDate(startsOn) || (endsOn !== null && !isDate(endsOn))) return 'schedule dates must be YYYY-MM-DD';
    if (endsOn !== null && endsOn < startsOn) return 'schedule.endsOn must not be before startsOn';
    if (recurrence) {
      const problem = rruleProblem(recurrence.rrule);
      if (problem) return `schedule.recurrence: ${problem}`;
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(recurrence.startTime)) return 'schedule.recurrence.startTime must be HH:MM';
      if (!count(recurrence.durationMinutes, 1, 8 * 1440)) return 'schedule.recurrence.durationMinutes must be 1 to 11520';
    }
  }
  return mechanicProblem(def.mechanic);
}

function mechanicProblem(m: Mechanic): string | null {
  if (!m || typeof m !== 'object') return 'mechanic is required';
  const money = (v: number | undefined, name: string) => (v === undefined || count(v, 0) ? null : `mechanic.${name} must be a whole amount ≥ 0`);
  const selectors = (...list: (LineSelector | undefined)[]) => (list.every((x) => x === undefined || selector(x)) ? null : 'mechanic selectors list skus, categories or groups as strings');
  const required = (x: LineSelector | undefined, name: string) => (x === undefined ? `mechanic.${name} is required` : selectors(x));
  switch (m.kind) {
    case 'percent_off':
      return count(m.percent, 1, 100) ? (money(m.capMinor, 'capMinor') ?? selectors(m.target)) : 'mechanic.percent must be 1 to 100';
    case 'amount_off':
      if (m.per !== 'basket' && m.per !== 'unit') return 'mechanic.per must be basket or unit';
      return money(m.amountMinor, 'amountMinor') ?? money(m.capMinor, 'capMinor') ?? selectors(m.target);
    case 'unit_price':
      return money(m.unitPriceMinor, 'unitPriceMinor') ?? required(m.target, 'target');
    case 'multi_buy':
      if (!count(m.quantity, 1, 1000)) return 'mechanic.quantity must be 1 to 1000';
      return money(m.priceMinor, 'priceMinor') ?? applications(m.maxApplications) ?? required(m.target, 'target');
    case 'buy_get':
      if (!count(m.buyQuantity, 1, 1000) || !count(m.rewardQuantity, 1, 1000)) return 'mechanic.buyQuantity and rewardQuantity must be 1 to 1000';
      if (!count(m.percent, 1, 100)) return 'mechanic.percent must be 1 to 100';
      return applications(m.maxApplications) ?? required(m.buy, 'buy') ?? selectors(m.reward);
    case 'spend_reward': {
      const r = m.reward;
      const reward =
        r?.kind === 'amount_off'
          ? money(r.amountMinor, 'reward.amountMinor')
          : r?.kind === 'free_item'
            ? r.quantity === undefined || count(r.quantity, 1, 1000)
              ? required(r.item, 'reward.item')
              : 'mechanic.reward.quantity must be 1 to 1000'
            : r?.kind === 'points'
              ? count(r.points, 1)
                ? null
                : 'mechanic.reward.points must be a whole number ≥ 1'
              : 'mechanic.reward.kind must be amount_off, free_item or points';
      return money(m.spendMinor, 'spendMinor') ?? reward ?? selectors(m.target);
    }
    case 'bonus_points':
      if (m.multiplierPercent !== undefined && !count(m.multiplierPercent, 100, 10_000)) return 'mechanic.multiplierPercent must be 100 to 10000';
      if (m.points !== undefined && !count(m.points, 0)) return 'mechanic.points must be a whole number ≥ 0';
      if (m.per !== undefined && m.per !== 'basket' && m.per !== 'unit') return 'mechanic.per must be basket or unit';
      return selectors(m.target);
    case 'issue_coupon': {
      const c = m.coupon;
      if (!c || !count(c.amountOffMinor, 1)) return 'mechanic.coupon.amountOffMinor must be a whole amount ≥ 1';
      if (!count(c.validFromDays, 0, 3660) || !count(c.validDays, 1, 3660)) return 'mechanic.coupon.validFromDays must be 0 to 3660 and validDays 1 to 3660';
      return money(m.spendMinor, 'spendMinor') ?? money(c.minSpendMinor, 'coupon.minSpendMinor') ?? selectors(m.target);
    }
    default:
      return `mechanic.kind ${(m as { kind: unknown }).kind} is not known`;
  }
}

/** Does the sale meet the offer's conditions that do not depend on the basket? */
export function eligibility(def: OfferDefinition, ctx: OfferContext): Skip | null {
  const c = def.conditions ?? {};
  if (def.trigger !== 'automatic' && !(ctx.chosenOfferIds ?? []).includes(def.id)) return skip('NOT_CHOSEN', 'The offer applies only when its code or the member’s offer is given');
  if (c.schedule) {
    let active: boolean;
    try {
      active = isScheduleActive(c.schedule, ctx.now, ctx.timeZone);
    } catch (error) {
      // An unknown time zone from a till's settings: the offer cannot be placed in time.
      return skip('INVALID_DEFINITION', `The schedule cannot be evaluated: ${(error as Error).message}`);
    }
    if (!active) return skip('NOT_ACTIVE_NOW', 'The offer is not running at this time');
  }
  if (c.storeIds !== undefined && (ctx.storeId === null || !c.storeIds.includes(ctx.storeId))) return skip('STORE_NOT_INCLUDED', 'The offer does not run in this store');
  const needsMember =
    c.memberRequired || c.tierCodes !== undefined || c.segmentIds !== undefined || c.firstPurchase || def.mechanic.kind === 'bonus_points' || (def.mechanic.kind === 'spend_reward' && def.mechanic.reward.kind === 'points');
  const member = ctx.member;
  if (needsMember && !member) return skip('MEMBER_REQUIRED', 'The offer is for members: scan a card');
  if (!member) return null;
  if (c.tierCodes !== undefined && (member.tierCode === null || !c.tierCodes.includes(member.tierCode))) return skip('TIER_NOT_INCLUDED', 'The offer is for other tiers');
  if (c.segmentIds !== undefined && !c.segmentIds.some((s) => member.segmentIds.includes(s))) return skip('SEGMENT_NOT_INCLUDED', 'The offer is for other members');
  if (c.firstPurchase && !member.isFirstPurchase) return skip('NOT_FIRST_PURCHASE', 'The offer is for a first purchase');
  return null;
}

function count(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function strings(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function selector(s: LineSelector): boolean {
  return typeof s === 'object' && s !== null && [s.skus, s.categories, s.groups].every((l) => l === undefined || strings(l));
}

function applications(v: number | undefined): string | null {
  return v === undefined || count(v, 1) ? null : 'mechanic.maxApplications must be a whole number ≥ 1';
}

function isDate(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
}
