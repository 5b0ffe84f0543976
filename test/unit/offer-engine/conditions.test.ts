import type { OfferConditions, OfferContext, OfferDefinition } from '../../../offer-engine';
import { anonymous, apply, member, offer, statusOf, units } from './helpers';

/** Conditions the engine evaluates from the context the caller gives (issue 9 item 4, the engine's part). */

const basket = [units('YOG', 3, 200), units('BREAD', 1, 300)];
const tenOff = (conditions: OfferConditions, extra: Partial<OfferDefinition> = {}) => offer('o', { kind: 'percent_off', target: { skus: ['YOG'] }, percent: 10 }, { conditions, ...extra });
const status = (conditions: OfferConditions, ctx: OfferContext = member, extra: Partial<OfferDefinition> = {}) => statusOf(apply(basket, [tenOff(conditions, extra)], ctx), 'o');

describe('offer conditions', () => {
  it.each<[string, OfferConditions, OfferContext, string]>([
    ['no conditions', {}, anonymous, 'applied'],
    ['this store', { storeIds: ['s1'] }, member, 'applied'],
    ['another store', { storeIds: ['s2'] }, member, 'STORE_NOT_INCLUDED'],
    ['a store, sale without one', { storeIds: ['s1'] }, { ...member, storeId: null }, 'STORE_NOT_INCLUDED'],
    ['member required, anonymous', { memberRequired: true }, anonymous, 'MEMBER_REQUIRED'],
    ['member required, member', { memberRequired: true }, member, 'applied'],
    ['the member’s tier', { tierCodes: ['gold'] }, member, 'applied'],
    ['another tier', { tierCodes: ['silver'] }, member, 'TIER_NOT_INCLUDED'],
    ['a tier, anonymous', { tierCodes: ['gold'] }, anonymous, 'MEMBER_REQUIRED'],
    ['a tier, member without one', { tierCodes: ['gold'] }, { ...member, member: { tierCode: null, segmentIds: [], isFirstPurchase: false } }, 'TIER_NOT_INCLUDED'],
    ['one of the member’s segments', { segmentIds: ['students', 'families'] }, member, 'applied'],
    ['other segments', { segmentIds: ['students'] }, member, 'SEGMENT_NOT_INCLUDED'],
    ['first purchase, not the first', { firstPurchase: true }, member, 'NOT_FIRST_PURCHASE'],
    ['first purchase, the first', { firstPurchase: true }, { ...member, member: { tierCode: null, segmentIds: [], isFirstPurchase: true } }, 'applied'],
    // The yoghurts cost 6.00; the bread does not count towards a yoghurt offer.
    ['minimum spend met', { minSpendMinor: 600 }, anonymous, 'applied'],
    ['minimum spend not met', { minSpendMinor: 601 }, anonymous, 'MINIMUM_SPEND_NOT_MET'],
    ['minimum quantity met', { minQuantityMilli: 3000 }, anonymous, 'applied'],
    ['minimum quantity not met', { minQuantityMilli: 4000 }, anonymous, 'MINIMUM_QUANTITY_NOT_MET'],
  ])('%s → %s', (_name, conditions, ctx, expected) => {
    expect(status(conditions, ctx)).toBe(expected);
  });

  describe('schedule in the merchant’s time zone (the shared recurrence evaluator)', () => {
    // 2026-03-03 is a Tuesday; 14:00 UTC is 15:00 in Berlin.
    const at = (iso: string): OfferContext => ({ ...anonymous, now: new Date(iso) });
    const happyHour = { startsOn: '2026-01-01', endsOn: null, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU', startTime: '15:00', durationMinutes: 120 } };
    it.each([
      ['2026-03-03T14:00:00Z', 'applied'],
      ['2026-03-03T13:59:00Z', 'NOT_ACTIVE_NOW'],
      ['2026-03-03T16:00:00Z', 'NOT_ACTIVE_NOW'],
      ['2026-03-04T14:00:00Z', 'NOT_ACTIVE_NOW'],
    ])('Tuesdays 15:00–17:00 Berlin, at %s → %s', (iso, expected) => {
      expect(status({ schedule: happyHour }, at(iso))).toBe(expected);
    });

    it.each([
      [{ startsOn: '2026-03-01', endsOn: '2026-03-03', recurrence: null }, 'applied'],
      [{ startsOn: '2026-03-04', endsOn: null, recurrence: null }, 'NOT_ACTIVE_NOW'],
      [{ startsOn: '2026-02-01', endsOn: '2026-03-02', recurrence: null }, 'NOT_ACTIVE_NOW'],
    ])('dates %j → %s', (schedule, expected) => {
      expect(status({ schedule })).toBe(expected);
    });

    it('an unknown time zone skips the offer instead of throwing', () => {
      expect(status({ schedule: happyHour }, { ...anonymous, timeZone: 'Mars/Olympus' })).toBe('INVALID_DEFINITION');
    });
  });

  it('a chosen offer applies only when its id is given (a code, a personal offer)', () => {
    expect(status({}, member, { trigger: 'chosen' })).toBe('NOT_CHOSEN');
    expect(status({}, { ...member, chosenOfferIds: ['o'] }, { trigger: 'chosen' })).toBe('applied');
  });

  it.each<[string, unknown]>([
    ['a percent over 100', { kind: 'percent_off', percent: 150 }],
    ['a fractional amount', { kind: 'amount_off', amountMinor: 1.5, per: 'basket' }],
    ['a multi-buy of 0', { kind: 'multi_buy', target: {}, quantity: 0, priceMinor: 100 }],
    ['an unknown mechanic', { kind: 'lottery' }],
    ['a unit price without a target', { kind: 'unit_price', unitPriceMinor: 100 }],
    ['buy X get Y with a fractional percent', { kind: 'buy_get', buy: {}, buyQuantity: 2, rewardQuantity: 1, percent: 12.5 }],
    ['a recurrence outside the subset', { kind: 'percent_off', percent: 10 }],
  ])('a bad definition (%s) is skipped as INVALID_DEFINITION, never thrown, and the others still apply', (name, mechanic) => {
    const bad = offer('bad', mechanic as OfferDefinition['mechanic'], name.startsWith('a recurrence') ? { conditions: { schedule: { startsOn: '2026-01-01', endsOn: null, recurrence: { rrule: 'FREQ=SECONDLY', startTime: '10:00', durationMinutes: 60 } } } } : {});
    const out = apply(basket, [bad, tenOff({})]);
    expect(statusOf(out, 'bad')).toBe('INVALID_DEFINITION');
    expect(statusOf(out, 'o')).toBe('applied');
  });

  it('a schedule ending before it starts is an invalid definition', () => {
    expect(status({ schedule: { startsOn: '2026-03-03', endsOn: '2026-03-01', recurrence: null } })).toBe('INVALID_DEFINITION');
  });

  it('every skipped offer carries a message for people', () => {
    const out = apply(basket, [tenOff({ storeIds: ['s9'] })]);
    expect(out.skipped).toEqual([{ offerId: 'o', reason: 'STORE_NOT_INCLUDED', message: 'The offer does not run in this store' }]);
  });
});
