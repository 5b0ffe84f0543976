import { categoryKey } from './category';
import type { Program, PromotionRule } from './program.schemas';
import { isPromotionActive } from './recurrence';

// The redemption evaluator is its own file; the till imports both from here.
export { evaluateRedemption } from './redemption';

export interface EarnLine {
  sku: string;
  category: string | null;
  /** Integer thousandths of a unit (1000 = one piece). */
  quantityMilli: number;
  /** Line total in minor units; negative for discount lines. */
  amountMinor: number;
  /** The category's ancestors in the catalogue, nearest first (Drinks for Beer): rules naming an ancestor take the line too. */
  ancestors?: readonly (string | null)[];
  /** False for goods the catalogue marks as never earning (tobacco, lottery, deposits, gift cards). Default true. */
  earnsPoints?: boolean;
}

export interface EarnBasket {
  lines: EarnLine[];
  /** Minor units of the basket paid with points. */
  paidWithPointsMinor: number;
}

export interface EarnContext {
  occurredAt: Date;
  storeId: string;
  tierCode: string | null;
  isFirstPurchase: boolean;
  /** Capped (promotion and product-bonus) points this member already earned in the cap period. */
  earnedInCapPeriod: number;
  timeZone: string;
}

export interface EarnBreakdown {
  rule: string;
  label: string;
  points: number;
}

export interface EarnResult {
  points: number;
  /** Spend that earned points: after exclusions, discount lines and the part paid with points. */
  eligibleMinor: number;
  /** Every rule that changed the result; the points add up to `points`. */
  breakdown: EarnBreakdown[];
  /** Points per basket line (basket-level bonuses excluded), so a return can reverse them pro rata. */
  lines: { index: number; points: number }[];
}

const HUNDRED = 100n;

/**
 * How many points a basket earns. Pure: the caller supplies the program in
 * force at `occurredAt`, the member's tier and the capped points already
 * earned in the period.
 *
 * Per line, in this order:
 * A rule that names a category takes the lines of that category and of its
 * subcategories (a line's `ancestors`); a multiplier of the nearest
 * category wins.
 *
 * 1. Lines of excluded categories (or under one), and lines the catalogue
 *    marks as never earning, earn nothing. Discount lines (negative
 *    amounts) reduce the positive eligible lines pro rata; the part of the
 *    basket paid with points reduces them pro rata too (rounded up, so money
 *    paid with points never earns). The sum is `eligibleMinor`; below the
 *    minimum spend nothing is earned (equal to it earns).
 * 2. base = eligible × baseRate.points / baseRate.perMinor
 * 3. × product multiplier (the SKU's if set, else the category's)
 * 4. × tier multiplier
 * 5. × promotion multiplier (the highest active promotion for that line;
 *    promotions do not multiply one another)
 * 6. + product bonuses per whole unit, + promotion basket bonuses,
 *    + first-purchase bonus.
 * Multipliers compose multiplicatively in exact integer arithmetic; rounding
 * (floor/round half up/ceil) is applied once per receipt or once per line
 * to the running product, and each step's share is the difference of two
 * rounded values, so the parts always add up.
 * The promotion cap covers promotion points (step 5 extras and promotion
 * bonuses) and product bonuses; base, product and tier multipliers and the
 * first-purchase bonus are never capped. With per-line rounding the cap is
 * consumed line by line in basket order.
 */
export function evaluateEarning(rules: Program, sent: EarnBasket, ctx: EarnContext): EarnResult {
  // Categories are matched by their key on both sides (see category.ts); everything below compares plain strings.
  const program = withCategoryKeys(rules);
  const basket = {
    ...sent,
    lines: sent.lines.map((l) => ({ ...l, category: categoryKey(l.category), ancestors: (l.ancestors ?? []).map((a) => categoryKey(a)).filter((a) => a !== null) })),
  };
  const e = program.earning;
  const eligible = eligibleAmounts(program, basket);
  const eligibleMinor = eligible.reduce((a, b) => a + b, 0);
  const lineCount = basket.lines.length;
  if (eligibleMinor < e.minimumSpendMinor || eligibleMinor === 0) {
    const breakdown =
      eligibleMinor < e.minimumSpendMinor ? [{ rule: 'minimum_spend', label: `Below the minimum spend of ${e.minimumSpendMinor}`, points: 0 }] : [];
    return { points: 0, eligibleMinor, breakdown, lines: basket.lines.map((_, index) => ({ index, points: 0 })) };
  }

  const promotions = program.promotions.filter(
    (p) =>
      (p.storeIds === null || p.storeIds.includes(ctx.storeId)) &&
      (p.tierCodes === null || (ctx.tierCode !== null && p.tierCodes.includes(ctx.tierCode))) &&
      isPromotionActive(p, ctx.occurredAt, ctx.timeZone),
  );
  const tier = ctx.tierCode === null ? undefined : program.tiers.find((t) => t.code === ctx.tierCode);
  const tierPct = BigInt(tier?.earnMultiplierPercent ?? 100);
  const skuPct = new Map(e.skuMultipliers.map((m) => [m.sku, m.multiplierPercent]));
  const categoryPct = new Map(e.categoryMultipliers.map((m) => [m.category, m.multiplierPercent]));
  const den = BigInt(e.baseRate.perMinor) * HUNDRED ** 3n;
  const round = rounder(e.rounding);

  // Exact running products per line, all over the common denominator `den`.
  const steps = basket.lines.map((line, i) => {
    const amount = BigInt(eligible[i]);
    const categoryOwn = categoriesOf(line).find((c) => categoryPct.has(c));
    const productPct = BigInt(skuPct.get(line.sku) ?? (categoryOwn === undefined ? undefined : categoryPct.get(categoryOwn)) ?? 100);
    const promo = eligible[i] > 0 ? bestPromotion(promotions, categoriesOf(line)) : undefined;
    const promoPct = BigInt(promo?.multiplierPercent ?? 100);
    const base = amount * BigInt(e.baseRate.points) * HUNDRED ** 3n;
    const product = (base * productPct) / HUNDRED;
    const tiered = (product * tierPct) / HUNDRED;
    const promoted = (tiered * promoPct) / HUNDRED;
    const bonus = eligible[i] > 0 ? productBonus(program, line) : 0;
    return { exact: [base, product, tiered, promoted], promo, bonus };
  });

  // Rounded cumulative values (base, product, tier, promotion) per line or per receipt.
  const roundedLines = steps.map((s) => s.exact.map((v) => round(v, den)));
  const receipt =
    e.roundingScope === 'per_line'
      ? [0, 1, 2, 3].map((k) => roundedLines.reduce((sum, r) => sum + r[k], 0))
      : [0, 1, 2, 3].map((k) => round(steps.reduce((sum, s) => sum + s.exact[k], 0n), den));

  const breakdown: EarnBreakdown[] = [];
  const add = (rule: string, label: string, points: number) => {
    if (points !== 0) breakdown.push({ rule, label, points });
  };
  add('base', `${e.baseRate.points} per ${e.baseRate.perMinor}`, receipt[0]);
  add('product_multiplier', 'Product multipliers', receipt[1] - receipt[0]);
  if (tier) add(`tier:${tier.code}`, tier.name, receipt[2] - receipt[1]);

  // Promotion extras, per promotion (split of the receipt total when rounding per receipt).
  const promoExtraTotal = receipt[3] - receipt[2];
  const promoCodes = [...new Set(steps.flatMap((s) => (s.promo ? [s.promo.code] : [])))];
  const promoShares =
    e.roundingScope === 'per_line'
      ? promoCodes.map((c) => steps.reduce((sum, s, i) => sum + (s.promo?.code === c ? roundedLines[i][3] - roundedLines[i][2] : 0), 0))
      : allocate(
          promoExtraTotal,
          promoCodes.map((c) => steps.reduce((sum, s) => sum + (s.promo?.code === c ? s.exact[3] - s.exact[2] : 0n), 0n)),
        );
  promoCodes.forEach((c, k) => add(`promotion:${c}`, promotions.find((p) => p.code === c)?.name ?? c, promoShares[k]));

  const productBonusTotal = steps.reduce((sum, s) => sum + s.bonus, 0);
  add('product_bonus', 'Product bonuses', productBonusTotal);
  const basketPromos = promotions.filter(
    (p) => p.bonusPoints > 0 && (p.categories === null || basket.lines.some((l, i) => eligible[i] > 0 && categoriesOf(l).some((c) => p.categories?.includes(c)))),
  );
  for (const p of basketPromos) add(`promotion_bonus:${p.code}`, p.name, p.bonusPoints);
  const promoBonusTotal = basketPromos.reduce((sum, p) => sum + p.bonusPoints, 0);

  // The cap: what is left of the period's allowance, consumed in basket order.
  let capLeft = program.promotionCap ? Math.max(0, program.promotionCap.points - ctx.earnedInCapPeriod) : Number.POSITIVE_INFINITY;
  const take = (wanted: number) => {
    const granted = Math.max(0, Math.min(wanted, capLeft));
    capLeft -= granted;
    return granted + Math.min(0, wanted);
  };
  let linePoints: number[];
  if (e.roundingScope === 'per_line') {
    linePoints = roundedLines.map((r, i) => r[2] + take(r[3] - r[2]) + take(steps[i].bonus));
  } else {
    const grantedLineable = receipt[2] + take(promoExtraTotal) + take(productBonusTotal);
    linePoints = allocate(
      grantedLineable,
      steps.map((s) => s.exact[3] + BigInt(s.bonus) * den),
    );
  }
  const promoBonusGranted = take(promoBonusTotal);
  const wantedCapped = promoExtraTotal + productBonusTotal + promoBonusTotal;
  const lineTotal = linePoints.reduce((a, b) => a + b, 0);
  const cut = receipt[2] + wantedCapped - (lineTotal + promoBonusGranted);
  if (cut > 0) breakdown.push({ rule: 'cap', label: `Promotion cap of ${program.promotionCap?.points ?? 0} per ${program.promotionCap?.period ?? 'period'} reached`, points: -cut });

  let points = lineTotal + promoBonusGranted;
  if (ctx.isFirstPurchase && e.firstPurchaseBonus > 0) {
    add('first_purchase', 'First purchase bonus', e.firstPurchaseBonus);
    points += e.firstPurchaseBonus;
  }
  return { points, eligibleMinor, breakdown, lines: Array.from({ length: lineCount }, (_, index) => ({ index, points: linePoints[index] })) };
}

/** The program with every category it names turned into its key. */
function withCategoryKeys(program: Program): Program {
  const key = (c: string) => categoryKey(c) ?? c;
  return {
    ...program,
    earning: {
      ...program.earning,
      excludedCategories: program.earning.excludedCategories.map(key),
      categoryMultipliers: program.earning.categoryMultipliers.map((m) => ({ ...m, category: key(m.category) })),
      productBonuses: program.earning.productBonuses.map((b) => (b.category === undefined ? b : { ...b, category: key(b.category) })),
    },
    promotions: program.promotions.map((p) => (p.categories === null ? p : { ...p, categories: p.categories.map(key) })),
  };
}

/** Eligible minor units per line after exclusions, discount lines and the points-paid share. */
function eligibleAmounts(program: Program, basket: EarnBasket): number[] {
  const excluded = new Set(program.earning.excludedCategories);
  const isEligible = (l: EarnLine) => l.earnsPoints !== false && !categoriesOf(l).some((c) => excluded.has(c));
  const positive = basket.lines.map((l) => (isEligible(l) && l.amountMinor > 0 ? l.amountMinor : 0));
  const positiveSum = positive.reduce((a, b) => a + b, 0);
  const discounts = basket.lines.reduce((sum, l) => sum + (isEligible(l) && l.amountMinor < 0 ? -l.amountMinor : 0), 0);
  const afterDiscounts = subtractProRata(positive, Math.min(discounts, positiveSum));
  if (!program.earning.excludePointsPaidShare || basket.paidWithPointsMinor <= 0) return afterDiscounts;
  const basketTotal = basket.lines.reduce((sum, l) => sum + l.amountMinor, 0);
  if (basketTotal <= 0) return afterDiscounts.map(() => 0);
  const eligibleSum = afterDiscounts.reduce((a, b) => a + b, 0);
  const paid = BigInt(Math.min(basket.paidWithPointsMinor, basketTotal));
  // Rounded up: a fraction of a minor unit paid with points never earns.
  const reduction = Number((BigInt(eligibleSum) * paid + BigInt(basketTotal) - 1n) / BigInt(basketTotal));
  return subtractProRata(afterDiscounts, Math.min(reduction, eligibleSum));
}

function subtractProRata(amounts: number[], total: number): number[] {
  if (total <= 0) return amounts;
  const parts = allocate(
    total,
    amounts.map((a) => BigInt(a)),
  );
  return amounts.map((a, i) => a - parts[i]);
}

/** A line's category and its ancestors, nearest first. */
function categoriesOf(line: EarnLine): string[] {
  return [line.category, ...(line.ancestors ?? [])].filter((c) => c !== null);
}

/** The active promotion with the highest multiplier that applies to a line of these categories (its own and its ancestors). */
function bestPromotion(promotions: PromotionRule[], categories: readonly string[]): PromotionRule | undefined {
  let best: PromotionRule | undefined;
  for (const p of promotions) {
    if (p.categories !== null && !categories.some((c) => p.categories?.includes(c))) continue;
    if (p.multiplierPercent !== 100 && (!best || p.multiplierPercent > best.multiplierPercent)) best = p;
  }
  return best;
}

/** Fixed bonus points for whole units of a line (every matching SKU or category bonus). */
function productBonus(program: Program, line: EarnLine): number {
  const units = Math.floor(line.quantityMilli / 1000);
  let bonus = 0;
  for (const b of program.earning.productBonuses) {
    if ((b.sku !== undefined && b.sku === line.sku) || (b.category !== undefined && categoriesOf(line).includes(b.category))) bonus += b.pointsPerUnit * units;
  }
  return bonus;
}

function rounder(mode: 'floor' | 'round' | 'ceil'): (num: bigint, den: bigint) => number {
  // Numerators are never negative here (amounts and percentages are ≥ 0), so BigInt division truncation is floor.
  switch (mode) {
    case 'floor':
      return (num, den) => Number(num / den);
    case 'ceil':
      return (num, den) => Number((num + den - 1n) / den);
    case 'round':
      return (num, den) => Number((2n * num + den) / (2n * den));
  }
}

/**
 * Splits a non-negative integer total in proportion to weights by the largest
 * remainder method: the parts are integers and add up exactly to the total.
 * Ties go to the earlier index. All-zero weights put everything on the first part.
 */
export function allocate(total: number, weights: bigint[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const parts = weights.map((w) => (t * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (t * w) % sum }));
  let left = total - parts.reduce((a, b) => a + Number(b), 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const result = parts.map(Number);
  for (const { i } of remainders) {
    if (left <= 0) break;
    result[i] += 1;
    left -= 1;
  }
  return result;
}

/** The part of an earn result that counts towards the promotion cap (pass it to `points.earn` as cappedPoints). */
export function cappedPointsOf(result: EarnResult): number {
  return result.breakdown.reduce(
    (sum, b) => (b.rule === 'product_bonus' || b.rule === 'cap' || b.rule.startsWith('promotion:') || b.rule.startsWith('promotion_bonus:') ? sum + b.points : sum),
    0,
  );
}
