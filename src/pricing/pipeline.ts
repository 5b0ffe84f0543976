import { AppError } from '../http/errors';
import { allocate, categoryKey, evaluateEarning, evaluateRedemption, type EarnContext, type EarnResult, type Program } from '../rules';

/**
 * The pricing pipeline that evaluate, commit and receipt claims all run:
 * lines → offers → points redemption → earning. Each step is a pure function
 * of the basket so far and the context the till gathered (program, balance,
 * earning context); nothing here reads or writes. The receipt text is the
 * last step, printed once the sale's ledger writes are known
 * (`./receipt-text`).
 */

/** A basket line as the till sends it (quantity in thousandths). */
export interface BasketLineInput {
  sku: string;
  category?: string | null;
  description?: string;
  quantity: number;
  unitPriceMinor: number;
  /** What the line costs after the till's own line discounts; default quantity × price. */
  amountMinor?: number;
}

export interface BasketInput {
  lines: BasketLineInput[];
  redeemPoints?: number;
  offerIds?: string[];
}

export interface PricingContext {
  program: Program;
  /** The member's spendable points; null for an anonymous sale. */
  available: number | null;
  /** Earning context of a member's sale; null for an anonymous sale, which earns nothing. */
  earning: EarnContext | null;
}

export interface PricedLine {
  lineNo: number;
  sku: string;
  category: string | null;
  description: string | null;
  quantityMilli: number;
  unitPriceMinor: number;
  amountMinor: number;
  /** This line's share of the offer discounts. */
  discountMinor: number;
  /** This line's share of what was paid with points. */
  redeemMinor: number;
  points: number;
}

/** The numbers of a basket: the sums of the lines' shares, and what it earns. */
export interface PricedBasket {
  lines: PricedLine[];
  totalMinor: number;
  discountMinor: number;
  pointsToRedeem: number;
  redeemValueMinor: number;
  /** totalMinor − discountMinor − redeemValueMinor: what the shopper pays in money. */
  payableMinor: number;
  earn: EarnResult;
}

/** Prices a basket: every step of the pipeline in order. */
export function priceBasket(basket: BasketInput, ctx: PricingContext): PricedBasket {
  const lines = linesStep(basket.lines);
  const offers = offersStep(lines, basket.offerIds ?? []);
  const redeemed = redemptionStep(offers, basket.redeemPoints ?? 0, ctx);
  return earningStep(redeemed, ctx);
}

/** quantity (thousandths) × unit price, rounded half up to the minor unit. */
export function lineAmount(quantityMilli: number, unitPriceMinor: number): number {
  return Math.floor((quantityMilli * unitPriceMinor + 500) / 1000);
}

/** Numbers the lines, prices each one and keys its category; no discounts, points or earning yet. */
export function linesStep(input: BasketLineInput[]): PricedBasket {
  const lines = input.map(
    (l, i): PricedLine => ({
      lineNo: i + 1,
      sku: l.sku,
      category: categoryKey(l.category),
      description: l.description ?? null,
      quantityMilli: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor ?? lineAmount(l.quantity, l.unitPriceMinor),
      discountMinor: 0,
      redeemMinor: 0,
      points: 0,
    }),
  );
  const totalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  return {
    lines,
    totalMinor,
    discountMinor: 0,
    pointsToRedeem: 0,
    redeemValueMinor: 0,
    payableMinor: totalMinor,
    earn: { points: 0, eligibleMinor: 0, breakdown: [], lines: [] },
  };
}

/** Offers the cashier chose. None can apply until the offers engine lands, so any is refused. */
export function offersStep(basket: PricedBasket, offerIds: string[]): PricedBasket {
  if (offerIds.length > 0) {
    throw new AppError('OFFER_NOT_APPLICABLE', 'Offers cannot be applied at the till yet', [{ path: 'body.offerIds', message: 'must be empty' }]);
  }
  return basket;
}

/**
 * Paying with points: checked against the program and the balance, then its
 * value spread over the lines by what each still costs (largest remainder,
 * so the shares are whole minor units that add up exactly).
 */
export function redemptionStep(basket: PricedBasket, requestedPoints: number, ctx: PricingContext): PricedBasket {
  if (requestedPoints <= 0) return basket;
  if (ctx.available === null) {
    throw new AppError('REDEMPTION_NOT_ALLOWED', 'Points can be redeemed only by a member', [{ path: 'body.redeemPoints', message: 'needs a member' }]);
  }
  const redemption = evaluateRedemption(ctx.program, {
    requestedPoints,
    available: ctx.available,
    payableMinor: basket.totalMinor - basket.discountMinor,
  });
  const shares = allocateToLines(
    redemption.discountMinor,
    basket.lines.map((l) => l.amountMinor - l.discountMinor - l.redeemMinor),
  );
  return {
    ...basket,
    lines: basket.lines.map((l, i) => ({ ...l, redeemMinor: l.redeemMinor + shares[i] })),
    pointsToRedeem: redemption.points,
    redeemValueMinor: redemption.discountMinor,
    payableMinor: basket.payableMinor - redemption.discountMinor,
  };
}

/** What a member's basket earns, on what was not paid with points; per line and for the basket. */
export function earningStep(basket: PricedBasket, ctx: PricingContext): PricedBasket {
  if (!ctx.earning) return basket;
  const earn = evaluateEarning(
    ctx.program,
    {
      lines: basket.lines.map((l) => ({ sku: l.sku, category: l.category, quantityMilli: l.quantityMilli, amountMinor: l.amountMinor - l.discountMinor })),
      paidWithPointsMinor: basket.redeemValueMinor,
    },
    ctx.earning,
  );
  const lines = basket.lines.map((l) => ({ ...l }));
  for (const l of earn.lines) lines[l.index].points = l.points;
  return { ...basket, lines, earn };
}

/**
 * Spreads a basket-level amount (a discount, the value paid with points) over
 * lines in proportion to what each still costs, in whole minor units by the
 * largest remainder: the shares add up to exactly `totalMinor` and no line
 * gets more than it costs. Lines that cost nothing (or are themselves
 * discounts) get nothing.
 */
export function allocateToLines(totalMinor: number, lineCosts: number[]): number[] {
  const weights = lineCosts.map((c) => BigInt(Math.max(0, c)));
  const room = lineCosts.reduce((sum, c) => sum + Math.max(0, c), 0);
  if (totalMinor < 0 || totalMinor > room) throw new Error(`cannot spread ${totalMinor} over lines costing ${room}`);
  if (totalMinor === 0) return lineCosts.map(() => 0);
  return allocate(totalMinor, weights);
}
