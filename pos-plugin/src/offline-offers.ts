import { applyOffers, offerLinesOf, type OfferDefinition, type OfferMember } from '../../offer-engine';
import type { BasketLine, OfflinePricing, TillOfferSet } from './api-types';
import { OfflineOfferRefusedError } from './errors';

/** The server's offer set for this till (`GET /v1/pos/offers`). */
export type OfferSet = NonNullable<TillOfferSet['offerSet']>;

/** The offer set a till keeps, with its version. */
export interface KeptOfferSet {
  version: string;
  fetchedAt: Date;
  set: OfferSet;
}

/** What a till prices offline: the offers' part of the totals, to show and print, and what the journal sends. */
export interface OfflineOffers {
  offerSetVersion: string;
  totalMinor: number;
  discountMinor: number;
  /** totalMinor − discountMinor: what the shopper pays (no points are redeemed offline). */
  payableMinor: number;
  appliedOffers: OfflinePricing['appliedOffers'];
  /** Chosen offers (`offerIds`) that did not apply to this basket, with the engine's reason. */
  skippedOffers: { offerId: string; reason: string; message: string }[];
  /** Per line (1-based, in the order given). */
  lines: { lineNo: number; amountMinor: number; discountMinor: number }[];
  /** One receipt line per applied offer, as the server prints them. */
  receiptText: string[];
}

/**
 * Prices a basket's offers with the kept offer set and the server's own
 * offer engine: the same lines (`offerLinesOf`), definitions and context
 * the server would use, so the discounts are the server's to the minor unit.
 * Offers only the server can keep (limits, budgets, single-use codes) are
 * left out; choosing one is refused with `OfflineOfferRefusedError`, as is
 * choosing an offer the set does not have. A coupon code (`codes`) is the
 * public code of an offer in the set, which is then chosen; any other code
 * may be a single-use one, which only the server can mark used, so it is
 * refused the same way (`SINGLE_USE_CODE`).
 *
 * `member`: null for an anonymous sale; for a member, what the till knows
 * (the tier of the last scan; offline a member's segments and first purchase
 * are unknown, so offers that need them do not apply).
 */
export function priceOffline(
  kept: KeptOfferSet,
  basket: { lines: readonly BasketLine[]; offerIds?: readonly string[]; codes?: readonly string[] },
  sale: { now: Date; member: OfferMember | null },
): OfflineOffers {
  const { set } = kept;
  const byCode = new Map(set.offers.flatMap((o) => (o.code ? [[o.code, String(o.definition.id)] as const] : [])));
  const codes = (basket.codes ?? []).map((code) => ({ code, offerId: byCode.get(normaliseCode(code)) }));
  const chosen = [...new Set([...(basket.offerIds ?? []), ...codes.flatMap((c) => (c.offerId ? [c.offerId] : []))])];
  const byId = new Map(set.offers.map((o) => [String(o.definition.id), o]));
  const refused = [
    ...codes.flatMap((c) => (c.offerId ? [] : [{ offerId: '', code: c.code, reason: 'SINGLE_USE_CODE' }])),
    ...chosen.flatMap((id) => {
      const entry = byId.get(id);
      if (!entry) return [{ offerId: id, reason: 'UNKNOWN' }];
      return entry.offline === 'refuse' ? [{ offerId: id, reason: entry.refusal ?? 'LIMITED', name: String(entry.definition.name) }] : [];
    }),
  ];
  if (refused.length > 0) throw new OfflineOfferRefusedError(refused);
  const definitions = set.offers.filter((o) => o.offline === 'apply').map((o) => o.definition as unknown as OfferDefinition);
  const lines = offerLinesOf(basket.lines, set.excludedCategories);
  const outcome = applyOffers(lines, definitions, {
    now: sale.now,
    timeZone: set.timeZone,
    storeId: set.storeId,
    member: sale.member,
    chosenOfferIds: chosen,
    baseRate: set.baseRate,
    currencyDigits: set.currencyDigits,
  });
  const totalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  return {
    offerSetVersion: kept.version,
    totalMinor,
    discountMinor: outcome.discountMinor,
    payableMinor: totalMinor - outcome.discountMinor,
    appliedOffers: outcome.applied.map((a) => ({
      offerId: a.offerId,
      name: a.name,
      discountMinor: a.discountMinor,
      points: a.points,
      receiptLine: a.receiptLine,
      lines: a.lines.map((l) => ({ lineNo: l.index + 1, discountMinor: l.discountMinor, points: l.points, unitsUsed: l.unitsUsed })),
    })),
    skippedOffers: outcome.skipped.filter((s) => chosen.includes(s.offerId)),
    lines: lines.map((l, i) => ({ lineNo: i + 1, amountMinor: l.amountMinor, discountMinor: outcome.lines[i].discountMinor })),
    receiptText: outcome.applied.map((a) => a.receiptLine),
  };
}

/** As the server compares codes: upper case without spaces or dashes. */
function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}
