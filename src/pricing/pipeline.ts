import { applyOffers, lineAmount, offerLinesOf, type AppliedOffer, type IssuedCoupon, type OfferContext, type OfferDefinition, type SkippedOffer } from '../../offer-engine';
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
  /** From the product catalogue: the category's ancestors, nearest first (Drinks for Beer). */
  ancestors?: readonly string[];
  /** From the product catalogue: the product's groups (mix & match). */
  groups?: readonly string[];
  /** From the product catalogue: false for goods that never earn (tobacco, lottery, deposits, gift cards). Default true. */
  earnsPoints?: boolean;
  /** From the product catalogue: sold by weight (unknown: the offer engine judges by the quantity). */
  weighed?: boolean;
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
  /** The active offers and the sale's side of their conditions; absent: no offers (the merchant has none active). */
  offers?: ActiveOffers;
  /**
   * The offers a till applied offline, accepted as it printed them instead of
   * pricing the offers again (the shopper was told): a journalled sale's
   * `offline.appliedOffers`.
   */
  accepted?: readonly TillAppliedOffer[];
}

/** An offer as a till applied it offline, per basket line (1-based `lineNo`). */
export interface TillAppliedOffer {
  offerId: string;
  name: string;
  discountMinor: number;
  points: number;
  receiptLine: string;
  lines: { lineNo: number; discountMinor: number; points: number; unitsUsed: number }[];
}

export interface ActiveOffers {
  definitions: readonly OfferDefinition[];
  /** When, where and who; the pipeline adds the chosen offer ids and the program's base rate. */
  context: Omit<OfferContext, 'chosenOfferIds' | 'baseRate'>;
}

/** What the offers did to a basket (docs/offers.md). */
export interface PricedOffers {
  /** In the order they applied, each with its receipt line and its share per line. */
  applied: AppliedOffer[];
  skipped: SkippedOffer[];
  /** Next-purchase coupons the sale issues. */
  coupons: IssuedCoupon[];
  /** Bonus points of the applied offers; they count only for a member's sale. */
  points: number;
}

export interface PricedLine {
  lineNo: number;
  sku: string;
  category: string | null;
  /** The category's ancestors as keys, nearest first. */
  ancestors: string[];
  groups: string[];
  /** False for goods the catalogue marks as never earning. */
  earnsPoints: boolean;
  /** Sold by weight, as the catalogue says; null: not known. */
  weighed: boolean | null;
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
  offers: PricedOffers;
  earn: EarnResult;
}

/** Prices a basket: every step of the pipeline in order. */
export function priceBasket(basket: BasketInput, ctx: PricingContext): PricedBasket {
  const lines = linesStep(basket.lines);
  const offers = ctx.accepted ? acceptedOffersStep(lines, ctx.accepted) : offersStep(lines, basket.offerIds ?? [], ctx);
  const redeemed = redemptionStep(offers, basket.redeemPoints ?? 0, ctx);
  return earningStep(redeemed, ctx);
}

export { lineAmount };

/** Numbers the lines, prices each one and keys its category; no discounts, points or earning yet. */
export function linesStep(input: BasketLineInput[]): PricedBasket {
  const lines = input.map(
    (l, i): PricedLine => ({
      lineNo: i + 1,
      sku: l.sku,
      category: categoryKey(l.category),
      ancestors: (l.ancestors ?? []).map((a) => categoryKey(a)).filter((a) => a !== null),
      groups: [...(l.groups ?? [])],
      earnsPoints: l.earnsPoints ?? true,
      weighed: l.weighed ?? null,
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
    offers: { applied: [], skipped: [], coupons: [], points: 0 },
    earn: { points: 0, eligibleMinor: 0, breakdown: [], lines: [] },
  };
}

/**
 * Offers: the shared engine (offer-engine/, the same code a till runs
 * offline) applies the active definitions to the lines, and each line takes
 * its share of the discounts. Ids the cashier chose (a code, a personal
 * offer) must be among the active definitions; any other is refused as
 * before. An offer that does not apply is not an error: it comes back in
 * `offers.skipped` with its reason.
 */
export function offersStep(basket: PricedBasket, offerIds: string[], ctx: Pick<PricingContext, 'program' | 'offers'>): PricedBasket {
  const definitions = ctx.offers?.definitions ?? [];
  const unknown = offerIds.filter((id) => !definitions.some((d) => d.id === id));
  if (unknown.length > 0) {
    throw new AppError('OFFER_NOT_APPLICABLE', `Offer ${unknown[0]} is not an active offer`, [{ path: 'body.offerIds', message: 'must name active offers' }]);
  }
  if (!ctx.offers || definitions.length === 0) return basket;
  const outcome = applyOffers(
    offerLinesOf(
      basket.lines.map((l) => ({
        sku: l.sku,
        category: l.category,
        ancestors: l.ancestors,
        groups: l.groups,
        earnsPoints: l.earnsPoints,
        ...(l.weighed === null ? {} : { weighed: l.weighed }),
        quantity: l.quantityMilli,
        unitPriceMinor: l.unitPriceMinor,
        amountMinor: l.amountMinor - l.discountMinor,
      })),
      ctx.program.earning.excludedCategories,
    ),
    definitions,
    { ...ctx.offers.context, chosenOfferIds: offerIds, baseRate: ctx.program.earning.baseRate },
  );
  return {
    ...basket,
    lines: basket.lines.map((l, i) => ({ ...l, discountMinor: l.discountMinor + outcome.lines[i].discountMinor })),
    discountMinor: basket.discountMinor + outcome.discountMinor,
    payableMinor: basket.payableMinor - outcome.discountMinor,
    offers: { applied: outcome.applied, skipped: outcome.skipped, coupons: outcome.coupons, points: outcome.points },
  };
}

/**
 * Offers a till applied offline, as it printed them: each line's discounts
 * may not add up to more than the line costs, and an offer's sums must be
 * the sums of its lines. Anything else is a 400 naming the field: the journal
 * sets such a sale aside instead of recording a discount nobody can explain.
 */
export function acceptedOffersStep(basket: PricedBasket, accepted: readonly TillAppliedOffer[]): PricedBasket {
  const path = 'body.offline.appliedOffers';
  const refuse = (message: string) => {
    throw new AppError('VALIDATION_FAILED', `The offers the till applied offline do not fit the basket: ${message}`, [{ path, message }]);
  };
  const discounts = basket.lines.map(() => 0);
  const applied: AppliedOffer[] = accepted.map((a) => {
    if (new Set(a.lines.map((l) => l.lineNo)).size !== a.lines.length) refuse(`offer ${a.offerId} names a line twice`);
    for (const l of a.lines) {
      if (l.lineNo > basket.lines.length) refuse(`offer ${a.offerId} names line ${l.lineNo}, the basket has ${basket.lines.length}`);
      discounts[l.lineNo - 1] += l.discountMinor;
    }
    if (a.lines.reduce((s, l) => s + l.discountMinor, 0) !== a.discountMinor) refuse(`offer ${a.offerId}: discountMinor is not the sum of its lines`);
    if (a.lines.reduce((s, l) => s + l.points, 0) > a.points) refuse(`offer ${a.offerId}: its lines give more points than the offer`);
    return {
      offerId: a.offerId,
      name: a.name,
      discountMinor: a.discountMinor,
      points: a.points,
      lines: a.lines.map((l) => ({ index: l.lineNo - 1, discountMinor: l.discountMinor, points: l.points, unitsUsed: l.unitsUsed })),
      coupon: null,
      receiptLine: a.receiptLine,
    };
  });
  if (new Set(accepted.map((a) => a.offerId)).size !== accepted.length) refuse('an offer is named twice');
  basket.lines.forEach((l, i) => {
    if (discounts[i] > l.amountMinor) refuse(`line ${l.lineNo} is discounted by more than it costs`);
  });
  const discountMinor = discounts.reduce((s, d) => s + d, 0);
  return {
    ...basket,
    lines: basket.lines.map((l, i) => ({ ...l, discountMinor: discounts[i] })),
    discountMinor,
    payableMinor: basket.payableMinor - discountMinor,
    offers: { applied, skipped: [], coupons: [], points: applied.reduce((s, a) => s + a.points, 0) },
  };
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

/**
 * What a member's basket earns, per line and for the basket: the program's
 * rules on what each line costs after offer discounts and without the part
 * paid with points (points are earned on the amount paid), plus the bonus
 * points of the applied offers.
 */
export function earningStep(basket: PricedBasket, ctx: PricingContext): PricedBasket {
  if (!ctx.earning) return basket;
  const rules = evaluateEarning(
    ctx.program,
    {
      lines: basket.lines.map((l) => ({
        sku: l.sku,
        category: l.category,
        ancestors: l.ancestors,
        earnsPoints: l.earnsPoints,
        quantityMilli: l.quantityMilli,
        amountMinor: l.amountMinor - l.discountMinor,
      })),
      paidWithPointsMinor: basket.redeemValueMinor,
    },
    ctx.earning,
  );
  const earn = withOfferPoints(rules, basket.offers.applied);
  const lines = basket.lines.map((l) => ({ ...l }));
  for (const l of earn.lines) lines[l.index].points = l.points;
  return { ...basket, lines, earn };
}

/** Offer bonus points on top of the rules' result: one breakdown entry per offer, line-based points on their lines. */
function withOfferPoints(earn: EarnResult, applied: AppliedOffer[]): EarnResult {
  const withPoints = applied.filter((a) => a.points > 0);
  if (withPoints.length === 0) return earn;
  const lines = earn.lines.map((l) => ({ ...l }));
  for (const a of withPoints) for (const l of a.lines) lines[l.index].points += l.points;
  return {
    ...earn,
    points: earn.points + withPoints.reduce((sum, a) => sum + a.points, 0),
    breakdown: [...earn.breakdown, ...withPoints.map((a) => ({ rule: `offer:${a.offerId}`, label: a.name, points: a.points }))],
    lines,
  };
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
