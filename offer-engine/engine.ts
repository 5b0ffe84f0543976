import { Basket } from './basket';
import { definitionProblem, eligibility } from './definition';
import { type Effect, evaluateMechanic, isSkip, qualifyingLines, skip, type Skip } from './mechanics';
import { money, receiptLine } from './receipt';
import type { AppliedOffer, AppliedOfferLine, OfferContext, OfferDefinition, OfferLine, OfferOutcome, SkippedOffer } from './types';

/**
 * Applies offers to a basket. Pure and total: the same lines (in any order),
 * definitions (in any order) and context give the same outcome, and an offer
 * that cannot apply is returned in `skipped` with its reason, never thrown.
 *
 * Offers run by priority (higher first, then id), those that only give
 * points or a coupon after all the others. Each one sees what the lines
 * still cost after the offers before it, and unit mechanics only the units
 * no earlier unit mechanic used. Stacking (docs/offers.md):
 * - exclusive: applies only if nothing applied before it; then nothing after it applies;
 * - combinable: applies with the others;
 * - best: the offers of one group are tried together where the first of them
 *   stands, and only the best for the customer applies.
 */
export function applyOffers(lines: readonly OfferLine[], definitions: readonly OfferDefinition[], ctx: OfferContext): OfferOutcome {
  const basket = new Basket(lines);
  const digits = ctx.currencyDigits ?? 2;
  const applied: AppliedOffer[] = [];
  const skipped: SkippedOffer[] = [];
  const skipAs = (def: OfferDefinition, s: Skip) => skipped.push({ offerId: String(def?.id), reason: s.reason, message: s.message });

  const valid: OfferDefinition[] = [];
  const seen = new Set<string>();
  for (const def of definitions) {
    const problem = definitionProblem(def);
    if (problem) skipAs(def, skip('INVALID_DEFINITION', problem));
    else if (seen.has(def.id)) skipAs(def, skip('INVALID_DEFINITION', `offer id ${def.id} is given twice`));
    else {
      seen.add(def.id);
      valid.push(def);
    }
  }
  valid.sort((a, b) => phase(a) - phase(b) || b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  let exclusiveApplied: OfferDefinition | null = null;
  const decided = new Set<string>();
  for (const def of valid) {
    if (decided.has(def.id)) continue;
    if (exclusiveApplied) {
      skipAs(def, skip('EXCLUDED_BY_EXCLUSIVE', `${exclusiveApplied.name} does not combine with other offers`));
      continue;
    }
    if (def.stacking.class === 'exclusive' && applied.length > 0) {
      skipAs(def, skip('NOT_COMBINABLE', 'The offer does not combine with the offers already applied'));
      continue;
    }
    const stacking = def.stacking;
    const group = stacking.class === 'best' ? valid.filter((d) => d.stacking.class === 'best' && d.stacking.group === stacking.group && !decided.has(d.id)) : [def];
    const tried = group.map((d) => ({ def: d, result: evaluate(basket, d, ctx) }));
    let best: { def: OfferDefinition; effect: Effect } | null = null;
    for (const t of tried) {
      decided.add(t.def.id);
      if (!isSkip(t.result) && (!best || better(t.result, best.effect))) best = { def: t.def, effect: t.result };
    }
    for (const t of tried) {
      if (isSkip(t.result)) skipAs(t.def, t.result);
      else if (t.def !== best?.def) skipAs(t.def, skip('BETTER_OFFER_IN_GROUP', `${best?.def.name} is better for the customer`));
    }
    if (!best) continue;
    applied.push(commit(basket, best.def, best.effect, digits));
    if (def.stacking.class === 'exclusive') exclusiveApplied = def;
  }

  const perLine = lines.map(() => ({ discountMinor: 0, points: 0 }));
  for (const a of applied) {
    for (const l of a.lines) {
      perLine[l.index].discountMinor += l.discountMinor;
      perLine[l.index].points += l.points;
    }
  }
  return {
    lines: perLine,
    discountMinor: applied.reduce((sum, a) => sum + a.discountMinor, 0),
    points: applied.reduce((sum, a) => sum + a.points, 0),
    applied,
    // By offer id, so the order the definitions came in does not show.
    skipped: skipped.sort((a, b) => (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0)),
    coupons: applied.flatMap((a) => (a.coupon ? [a.coupon] : [])),
  };
}

/**
 * Offers that only give points or a coupon come after every offer that
 * changes prices, whatever their priority, so they count what is paid.
 */
function phase(def: OfferDefinition): number {
  const m = def.mechanic;
  return m.kind === 'bonus_points' || m.kind === 'issue_coupon' || (m.kind === 'spend_reward' && m.reward.kind === 'points') ? 1 : 0;
}

function evaluate(basket: Basket, def: OfferDefinition, ctx: OfferContext): Effect | Skip {
  const ineligible = eligibility(def, ctx);
  if (ineligible) return ineligible;
  const c = def.conditions ?? {};
  if (c.minSpendMinor !== undefined || c.minQuantityMilli !== undefined) {
    const qualifying = qualifyingLines(basket, def.mechanic);
    const spend = basket.spend(qualifying);
    if (c.minSpendMinor !== undefined && spend < c.minSpendMinor) {
      return skip('MINIMUM_SPEND_NOT_MET', `Spend ${money(c.minSpendMinor - spend, ctx.currencyDigits ?? 2)} more on the offer's items`);
    }
    const quantity = basket.quantity(qualifying);
    if (c.minQuantityMilli !== undefined && quantity < c.minQuantityMilli) return skip('MINIMUM_QUANTITY_NOT_MET', "Not enough of the offer's items");
  }
  return evaluateMechanic(basket, def.mechanic, ctx);
}

/** Better for the customer: more money off, then more points, then a coupon worth more. */
function better(a: Effect, b: Effect): boolean {
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const money = sum(a.discounts) - sum(b.discounts);
  if (money !== 0) return money > 0;
  const points = sum(a.points) + a.basketPoints - (sum(b.points) + b.basketPoints);
  if (points !== 0) return points > 0;
  return (a.coupon?.amountOffMinor ?? 0) > (b.coupon?.amountOffMinor ?? 0);
}

/** Applies an effect to the basket and describes it. */
function commit(basket: Basket, def: OfferDefinition, e: Effect, digits: number): AppliedOffer {
  const lines: AppliedOfferLine[] = [];
  basket.lines.forEach((line, i) => {
    // Never more than the line still costs, whatever a mechanic computed.
    const discountMinor = Math.min(e.discounts[i], basket.remaining[i]);
    basket.remaining[i] -= discountMinor;
    basket.unitsLeft[i] -= Math.min(e.unitsUsed[i], basket.unitsLeft[i]);
    if (discountMinor > 0 || e.points[i] > 0 || e.unitsUsed[i] > 0) lines.push({ index: line.index, discountMinor, points: e.points[i], unitsUsed: e.unitsUsed[i] });
  });
  lines.sort((a, b) => a.index - b.index);
  const discountMinor = lines.reduce((sum, l) => sum + l.discountMinor, 0);
  const points = lines.reduce((sum, l) => sum + l.points, 0) + e.basketPoints;
  const coupon = e.coupon ? { offerId: def.id, ...e.coupon } : null;
  return { offerId: def.id, name: def.name, discountMinor, points, lines, coupon, receiptLine: receiptLine(def.name, discountMinor, points, coupon, digits) };
}
