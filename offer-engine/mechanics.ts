import { ratio, spread } from './allocate';
import { type Basket, takeUnits, unitCount, type UnitRun, withoutUnits } from './basket';
import { money } from './receipt';
import type { CouponTerms, Mechanic, OfferContext, SkipReason } from './types';
import { toWall } from './wall-clock';

/** What one offer would do to the basket as it stands; per line in canonical order. */
export interface Effect {
  discounts: number[];
  points: number[];
  /** Points that belong to the basket, not to a line (a fixed bonus per basket, a spend reward). */
  basketPoints: number;
  unitsUsed: number[];
  coupon: { amountOffMinor: number; minSpendMinor: number; validFrom: string; validUntil: string } | null;
}

export interface Skip {
  reason: SkipReason;
  message: string;
}

export const skip = (reason: SkipReason, message: string): Skip => ({ reason, message });

export function isSkip(x: Effect | Skip): x is Skip {
  return 'reason' in x;
}

/** The lines whose spend and quantity an offer's conditions measure. */
export function qualifyingLines(basket: Basket, m: Mechanic): number[] {
  return basket.select(m.kind === 'buy_get' ? m.buy : m.target);
}

/** Runs a mechanic on the basket as it stands; changes nothing. */
export function evaluateMechanic(basket: Basket, m: Mechanic, ctx: OfferContext): Effect | Skip {
  switch (m.kind) {
    case 'percent_off':
      return percentOff(basket, m);
    case 'amount_off':
      return amountOff(basket, m);
    case 'unit_price':
      return unitPrice(basket, m);
    case 'multi_buy':
      return multiBuy(basket, m, ctx);
    case 'buy_get':
      return buyGet(basket, m);
    case 'spend_reward':
      return spendReward(basket, m, ctx);
    case 'bonus_points':
      return bonusPoints(basket, m, ctx);
    case 'issue_coupon':
      return issueCoupon(basket, m, ctx);
  }
}

function effect(basket: Basket): Effect {
  const zeros = () => basket.lines.map(() => 0);
  return { discounts: zeros(), points: zeros(), basketPoints: 0, unitsUsed: zeros(), coupon: null };
}

/** Puts per-position values into a per-line array. */
function place(target: number[], positions: readonly number[], values: readonly number[]): void {
  positions.forEach((p, k) => (target[p] += values[k]));
}

function discountOf(basket: Basket, positions: readonly number[], values: readonly number[]): Effect | Skip {
  if (values.every((v) => v === 0)) return skip('NO_BENEFIT', 'The items already cost no more than the offer price');
  const e = effect(basket);
  place(e.discounts, positions, values);
  return e;
}

function matched(positions: readonly number[]): Skip | null {
  return positions.length === 0 ? skip('NO_MATCHING_ITEMS', 'No item in the basket is part of the offer') : null;
}

function percentOff(basket: Basket, m: Extract<Mechanic, { kind: 'percent_off' }>): Effect | Skip {
  const pos = basket.select(m.target);
  const none = matched(pos);
  if (none) return none;
  const costs = pos.map((p) => basket.remaining[p]);
  const base = costs.reduce((a, b) => a + b, 0);
  const discount = Math.min(ratio(base, m.percent, 100), m.capMinor ?? Number.MAX_SAFE_INTEGER);
  return discountOf(basket, pos, spread(discount, costs));
}

function amountOff(basket: Basket, m: Extract<Mechanic, { kind: 'amount_off' }>): Effect | Skip {
  const pos = basket.select(m.target);
  const none = matched(pos);
  if (none) return none;
  const costs = pos.map((p) => basket.remaining[p]);
  const cap = m.capMinor ?? Number.MAX_SAFE_INTEGER;
  if (m.per === 'basket') {
    const base = costs.reduce((a, b) => a + b, 0);
    return discountOf(basket, pos, spread(Math.min(m.amountMinor, base, cap), costs));
  }
  // Per unit, or per kg of a weighed line: the amount scales with the quantity in thousandths.
  const wanted = pos.map((p, k) => Math.min(costs[k], ratio(m.amountMinor, basket.lines[p].quantityMilli, 1000)));
  const total = wanted.reduce((a, b) => a + b, 0);
  return discountOf(basket, pos, total > cap ? spread(cap, wanted) : wanted);
}

function unitPrice(basket: Basket, m: Extract<Mechanic, { kind: 'unit_price' }>): Effect | Skip {
  const pos = basket.select(m.target);
  const none = matched(pos);
  if (none) return none;
  const values = pos.map((p) => Math.max(0, basket.remaining[p] - ratio(m.unitPriceMinor, basket.lines[p].quantityMilli, 1000)));
  return discountOf(basket, pos, values);
}

/** Per-line discounts for units valued at their unit price, no line above what it still costs. */
function unitDiscounts(basket: Basket, discount: number, valued: readonly UnitRun[]): number[] {
  const weights = basket.lines.map(() => 0);
  for (const r of valued) weights[r.line] += r.count * r.price;
  const capped = weights.map((w, i) => Math.min(w, basket.remaining[i]));
  return spread(Math.min(discount, capped.reduce((a, b) => a + b, 0)), capped);
}

function useUnits(e: Effect, runs: readonly UnitRun[]): void {
  for (const r of runs) e.unitsUsed[r.line] += r.count;
}

function notEnough(basket: Basket, pos: readonly number[], need: number, have: number, what: string): Skip {
  const free = unitCount(basket.unitRuns(pos, 'cheapest'));
  const all = pos.reduce((sum, p) => sum + basket.lines[p].units, 0);
  const usedElsewhere = all > free ? ` (${all - free} already used by another offer)` : '';
  return skip('NOT_ENOUGH_ITEMS', `${what}: ${need - have} more item${need - have === 1 ? '' : 's'} needed${usedElsewhere}`);
}

function multiBuy(basket: Basket, m: Extract<Mechanic, { kind: 'multi_buy' }>, ctx: OfferContext): Effect | Skip {
  const pos = basket.select(m.target);
  const none = matched(pos);
  if (none) return none;
  // Bundles are formed from the dearest units first: the best for the customer.
  let runs = basket.unitRuns(pos, 'dearest');
  const have = unitCount(runs);
  if (have < m.quantity) return notEnough(basket, pos, m.quantity, have, `${m.quantity} for ${money(m.priceMinor, ctx.currencyDigits ?? 2)}`);
  const bundles = Math.min(Math.floor(have / m.quantity), m.maxApplications ?? Number.MAX_SAFE_INTEGER);
  const used: UnitRun[] = [];
  let discount = 0;
  for (let k = 0; k < bundles; k++) {
    const bundle = takeUnits(runs, m.quantity);
    const value = bundle.reduce((sum, r) => sum + r.count * r.price, 0);
    // Later bundles are cheaper still: once one would cost more than its items, none helps.
    if (value <= m.priceMinor) break;
    discount += value - m.priceMinor;
    used.push(...bundle);
    runs = withoutUnits(runs, bundle);
  }
  if (discount === 0) return skip('NO_BENEFIT', `The items cost no more than ${m.quantity} for the offer price`);
  const e = effect(basket);
  e.discounts = unitDiscounts(basket, discount, used);
  useUnits(e, used);
  return e;
}

function buyGet(basket: Basket, m: Extract<Mechanic, { kind: 'buy_get' }>): Effect | Skip {
  const buyPos = basket.select(m.buy);
  const none = matched(buyPos);
  if (none) return none;
  const buyRuns = basket.unitRuns(buyPos, 'cheapest');
  const rewardPos = m.reward ? basket.select(m.reward) : buyPos;
  // The rewards are the cheapest reward units; what qualifies is the buy units left once they are taken.
  const rewardRuns = basket.unitRuns(rewardPos, 'cheapest');
  const rewardsFor = (k: number) => takeUnits(rewardRuns, k * m.rewardQuantity);
  const feasible = (k: number) => {
    const rewards = rewardsFor(k);
    return unitCount(rewards) === k * m.rewardQuantity && unitCount(withoutUnits(buyRuns, rewards)) >= k * m.buyQuantity;
  };
  // Feasibility only shrinks as k grows, so the largest k is found by bisection.
  let lo = 0;
  let hi = Math.min(m.maxApplications ?? Number.MAX_SAFE_INTEGER, Math.floor(unitCount(buyRuns) / m.buyQuantity), Math.floor(unitCount(rewardRuns) / m.rewardQuantity));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (feasible(mid)) lo = mid;
    else hi = mid - 1;
  }
  const what = `Buy ${m.buyQuantity}, get ${m.rewardQuantity}`;
  if (lo === 0) {
    const haveBuy = unitCount(buyRuns);
    if (haveBuy < m.buyQuantity) return notEnough(basket, buyPos, m.buyQuantity, haveBuy, what);
    if (!m.reward) return notEnough(basket, buyPos, m.buyQuantity + m.rewardQuantity, haveBuy, what);
    return skip('REWARD_NOT_IN_BASKET', `${what}: add the reward item to the basket`);
  }
  const rewards = rewardsFor(lo);
  const qualifying = takeUnits(withoutUnits(buyRuns, rewards), lo * m.buyQuantity);
  const e = effect(basket);
  for (const r of rewards) e.discounts[r.line] += r.count * ratio(r.price, m.percent, 100);
  e.discounts = e.discounts.map((d, i) => Math.min(d, basket.remaining[i]));
  if (e.discounts.every((d) => d === 0)) return skip('NO_BENEFIT', 'The reward items already cost nothing');
  useUnits(e, rewards);
  useUnits(e, qualifying);
  return e;
}

function spendReward(basket: Basket, m: Extract<Mechanic, { kind: 'spend_reward' }>, ctx: OfferContext): Effect | Skip {
  const pos = basket.select(m.target);
  const e = effect(basket);
  let spend = basket.spend(pos);
  const r = m.reward;
  if (r.kind === 'free_item') {
    const quantity = r.quantity ?? 1;
    const rewards = takeUnits(basket.unitRuns(basket.select(r.item), 'cheapest'), quantity);
    if (unitCount(rewards) < quantity) return skip('REWARD_NOT_IN_BASKET', 'Add the free item to the basket');
    for (const u of rewards) e.discounts[u.line] = Math.min(basket.remaining[u.line], e.discounts[u.line] + u.count * u.price);
    // The free item does not count towards the spend that earns it.
    const inTarget = new Set(pos);
    spend -= e.discounts.reduce((sum, d, i) => sum + (inTarget.has(i) ? d : 0), 0);
    useUnits(e, rewards);
  }
  if (spend < m.spendMinor) return skip('SPEND_THRESHOLD_NOT_MET', `Spend ${money(m.spendMinor - spend, ctx.currencyDigits ?? 2)} more`);
  if (r.kind === 'amount_off') {
    const costs = pos.map((p) => basket.remaining[p]);
    place(e.discounts, pos, spread(Math.min(r.amountMinor, spend), costs));
  }
  if (r.kind === 'points') e.basketPoints = r.points;
  if (e.discounts.every((d) => d === 0) && e.basketPoints === 0) return skip('NO_BENEFIT', 'The reward is worth nothing on this basket');
  return e;
}

function bonusPoints(basket: Basket, m: Extract<Mechanic, { kind: 'bonus_points' }>, ctx: OfferContext): Effect | Skip {
  const pos = basket.select(m.target).filter((p) => basket.lines[p].earnsPoints);
  const none = matched(pos);
  if (none) return none;
  const e = effect(basket);
  const extra = (m.multiplierPercent ?? 100) - 100;
  if (extra > 0) {
    if (!ctx.baseRate || ctx.baseRate.perMinor <= 0) return skip('NO_BASE_RATE', 'Point multipliers need the program base rate');
    // Points on what the lines cost after the discounts before this offer, like the base earning.
    const costs = pos.map((p) => basket.remaining[p]);
    const base = costs.reduce((a, b) => a + b, 0);
    const points = Math.floor((base * ctx.baseRate.points * extra) / (ctx.baseRate.perMinor * 100));
    place(e.points, pos, spread(points, costs));
  }
  const fixed = m.points ?? 0;
  if (fixed > 0 && (m.per ?? 'basket') === 'basket') e.basketPoints = fixed;
  if (fixed > 0 && m.per === 'unit') {
    place(
      e.points,
      pos,
      pos.map((p) => Math.floor((fixed * basket.lines[p].quantityMilli) / 1000)),
    );
  }
  if (e.basketPoints === 0 && e.points.every((p) => p === 0)) return skip('NO_BENEFIT', 'The items earn no bonus points');
  return e;
}

function issueCoupon(basket: Basket, m: Extract<Mechanic, { kind: 'issue_coupon' }>, ctx: OfferContext): Effect | Skip {
  const spend = basket.spend(basket.select(m.target));
  if (spend < m.spendMinor) return skip('SPEND_THRESHOLD_NOT_MET', `Spend ${money(m.spendMinor - spend, ctx.currencyDigits ?? 2)} more for the coupon`);
  const e = effect(basket);
  e.coupon = couponDates(m.coupon, ctx);
  return e;
}

const DAY_MS = 86_400_000;

function couponDates(c: CouponTerms, ctx: OfferContext): NonNullable<Effect['coupon']> {
  const wall = toWall(ctx.now, ctx.timeZone);
  const today = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  const day = (offset: number) => new Date(today + offset * DAY_MS).toISOString().slice(0, 10);
  return {
    amountOffMinor: c.amountOffMinor,
    minSpendMinor: c.minSpendMinor ?? 0,
    validFrom: day(c.validFromDays),
    validUntil: day(c.validFromDays + c.validDays - 1),
  };
}
