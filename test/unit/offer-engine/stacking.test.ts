import type { OfferDefinition } from '../../../offer-engine';
import { apply, member, offer, statusOf, units } from './helpers';

/** Stacking (issue 9 item 5): priority, exclusive, combinable, best for the customer within a group. */

const yoghurts = [units('YOG', 3, 200), units('BREAD', 1, 300)];
const threeFor5 = (extra: Partial<OfferDefinition> = {}) => offer('multi', { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 }, { name: '3 for 5.00 Yoghurt', ...extra });
const tenPercent = (extra: Partial<OfferDefinition> = {}) => offer('ten', { kind: 'percent_off', percent: 10 }, { name: '10% off', ...extra });

describe('stacking', () => {
  it('combinable offers both apply, the later one on what the lines still cost', () => {
    // 3 for 5.00 first: yoghurt 6.00 → 5.00; then 10% of 5.00 + 3.00 = 0.80.
    const out = apply(yoghurts, [tenPercent(), threeFor5({ priority: 10 })]);
    expect(out.applied.map((a) => [a.offerId, a.discountMinor])).toEqual([
      ['multi', 100],
      ['ten', 80],
    ]);
    expect(out.applied.map((a) => a.receiptLine)).toEqual(['3 for 5.00 Yoghurt −1.00', '10% off −0.80']);
  });

  it('priority decides the order: the same offers the other way round give another sum', () => {
    // 10% first: 0.90; then 3 for 5.00 still values the units at their unit price (3 × 2.00): 1.00 more.
    // That is why price points belong above percentages (docs/offers.md).
    const out = apply(yoghurts, [tenPercent({ priority: 10 }), threeFor5()]);
    expect(out.applied.map((a) => [a.offerId, a.discountMinor])).toEqual([
      ['ten', 90],
      ['multi', 100],
    ]);
  });

  it('equal priorities apply in id order, whatever order the definitions come in', () => {
    const a = apply(yoghurts, [tenPercent(), threeFor5()]);
    const b = apply(yoghurts, [threeFor5(), tenPercent()]);
    expect(a).toEqual(b);
    expect(a.applied.map((x) => x.offerId)).toEqual(['multi', 'ten']);
  });

  it('an exclusive offer that applies first stops every later offer', () => {
    const out = apply(yoghurts, [tenPercent({ stacking: { class: 'exclusive' }, priority: 10 }), threeFor5()]);
    expect(statusOf(out, 'ten')).toBe('applied');
    expect(statusOf(out, 'multi')).toBe('EXCLUDED_BY_EXCLUSIVE');
    expect(out.discountMinor).toBe(90);
  });

  it('an exclusive offer does not apply after another offer applied', () => {
    const out = apply(yoghurts, [tenPercent({ stacking: { class: 'exclusive' } }), threeFor5({ priority: 10 })]);
    expect(statusOf(out, 'multi')).toBe('applied');
    expect(statusOf(out, 'ten')).toBe('NOT_COMBINABLE');
  });

  it('an exclusive offer that does not apply stops nothing', () => {
    const out = apply(yoghurts, [offer('wine', { kind: 'percent_off', target: { skus: ['WINE'] }, percent: 50 }, { stacking: { class: 'exclusive' }, priority: 10 }), threeFor5()]);
    expect(statusOf(out, 'wine')).toBe('NO_MATCHING_ITEMS');
    expect(statusOf(out, 'multi')).toBe('applied');
  });

  it('within a best-for-customer group only the best applies, wherever the group stands', () => {
    const group = { class: 'best', group: 'yoghurt' } as const;
    const fifteen = offer('fifteen', { kind: 'percent_off', target: { skus: ['YOG'] }, percent: 15 }, { stacking: group, priority: 5 });
    const out = apply(yoghurts, [threeFor5({ stacking: group }), fifteen]);
    // 15% of 6.00 = 0.90 < 1.00.
    expect(statusOf(out, 'multi')).toBe('applied');
    expect(statusOf(out, 'fifteen')).toBe('BETTER_OFFER_IN_GROUP');
    expect(out.discountMinor).toBe(100);
  });

  it('a group member that cannot apply keeps its own reason, and the others still compete', () => {
    const group = { class: 'best', group: 'g' } as const;
    const out = apply(yoghurts, [
      threeFor5({ stacking: group }),
      offer('members', { kind: 'percent_off', percent: 50 }, { stacking: group, conditions: { memberRequired: true } }),
    ]);
    expect(statusOf(out, 'members')).toBe('MEMBER_REQUIRED');
    expect(statusOf(out, 'multi')).toBe('applied');
  });

  it('best for the customer compares money first, then points', () => {
    const group = { class: 'best', group: 'g' } as const;
    const out = apply(
      yoghurts,
      [offer('points', { kind: 'bonus_points', points: 500 }, { stacking: group }), offer('money', { kind: 'amount_off', amountMinor: 1, per: 'basket' }, { stacking: group })],
      member,
    );
    expect(statusOf(out, 'money')).toBe('applied');
    expect(statusOf(out, 'points')).toBe('BETTER_OFFER_IN_GROUP');
  });

  it('points and coupons count what is paid: they come after the price offers, whatever their priority', () => {
    const double = offer('double', { kind: 'bonus_points', target: { skus: ['YOG'] }, multiplierPercent: 200 }, { priority: 99 });
    const out = apply(yoghurts, [double, threeFor5()], member);
    // 3 for 5.00 first, then one more point per 1.00 of the 5.00 paid.
    expect(out.applied.map((a) => [a.offerId, a.discountMinor, a.points])).toEqual([
      ['multi', 100, 0],
      ['double', 0, 5],
    ]);
  });

  it('two unit offers never count the same units: 3 for 5.00 and buy 2 get 1 on three yoghurts', () => {
    const out = apply(yoghurts, [threeFor5({ priority: 10 }), offer('b2g1', { kind: 'buy_get', buy: { skus: ['YOG'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100 })]);
    expect(statusOf(out, 'multi')).toBe('applied');
    expect(out.skipped.find((s) => s.offerId === 'b2g1')).toMatchObject({ reason: 'NOT_ENOUGH_ITEMS', message: expect.stringContaining('already used by another offer') });
  });

  it('offers together never take a line below zero', () => {
    const out = apply([units('A', 1, 100)], [offer('x', { kind: 'amount_off', amountMinor: 80, per: 'basket' }, { priority: 2 }), offer('y', { kind: 'amount_off', amountMinor: 80, per: 'basket' }, { priority: 1 })]);
    expect(out.applied.map((a) => a.discountMinor)).toEqual([80, 20]);
    expect(out.lines[0].discountMinor).toBe(100);
  });

  it('a spend threshold counts what is paid after the offers before it', () => {
    const spend = offer('spend', { kind: 'spend_reward', spendMinor: 800, reward: { kind: 'amount_off', amountMinor: 100 } });
    // 9.00 before offers, 8.00 after 3 for 5.00: still reached; 7.20 after 10% too: not.
    expect(statusOf(apply(yoghurts, [threeFor5({ priority: 10 }), spend]), 'spend')).toBe('applied');
    expect(statusOf(apply(yoghurts, [threeFor5({ priority: 10 }), tenPercent({ priority: 5 }), spend]), 'spend')).toBe('SPEND_THRESHOLD_NOT_MET');
  });
});
