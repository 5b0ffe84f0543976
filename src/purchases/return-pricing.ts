import { keptDiscounts, offerLinesOf, type OfferTerms } from '../../offer-engine';
import { proRataStep } from './purchase-math';

/** A receipt line as a return sees it: what it cost, its share of the offer discounts, and how much of it is returned. */
export interface LineForReturn {
  lineNo: number;
  sku: string;
  category: string | null;
  quantityMilli: number;
  unitPriceMinor: number;
  amountMinor: number;
  discountMinor: number;
}

/** What the line returns of a sale have refunded, in all, once `returned` (thousandths per line number) has come back. */
export interface LineRefund {
  /** The returned goods at their allocated price: amount less the offer discounts, pro rata by quantity. */
  allocatedMinor: number;
  /** Of which taken back because the goods kept no longer earn their discount (a broken multi-buy or buy X get Y). */
  clawbackMinor: number;
  /** allocatedMinor − clawbackMinor, never below 0. */
  refundMinor: number;
}

/**
 * What the line returns of a sale should have refunded in all once
 * `returned` has come back (docs/offers.md, "Returns and voids"): a return
 * refunds this less what the earlier ones refunded (never below zero), so
 * the order of returns does not change the sum and everything back refunds
 * exactly what was paid.
 *
 * A returned unit is refunded at its allocated price: the line's amount less
 * its offer discount, pro rata by quantity (cumulative floor, so a full
 * return refunds exactly what was paid). The goods kept are then priced
 * again with the offers the sale used (`keptDiscounts`): if they now get less
 * discount than they were allocated — the free item kept without its
 * qualifying purchase, two of a "3 for 5.00" — the difference is kept back
 * from the refund. A kept basket never costs more than its full price, and
 * the refund never goes below zero.
 */
export function lineRefund(lines: readonly LineForReturn[], returned: ReadonlyMap<number, number>, terms: readonly OfferTerms[], excludedCategories: readonly string[]): LineRefund {
  let allocated = 0;
  let keptAllocatedDiscount = 0;
  const kept: (LineForReturn & { keptQuantity: number; keptAmount: number })[] = [];
  for (const l of lines) {
    const back = Math.min(returned.get(l.lineNo) ?? 0, l.quantityMilli);
    const amountBack = proRataStep(l.amountMinor, 0, back, l.quantityMilli);
    const discountBack = proRataStep(l.discountMinor, 0, back, l.quantityMilli);
    allocated += amountBack - discountBack;
    keptAllocatedDiscount += l.discountMinor - discountBack;
    if (back < l.quantityMilli) kept.push({ ...l, keptQuantity: l.quantityMilli - back, keptAmount: l.amountMinor - amountBack });
  }
  const keptLines = offerLinesOf(
    kept.map((l) => ({ sku: l.sku, category: l.category, quantity: l.keptQuantity, unitPriceMinor: l.unitPriceMinor, amountMinor: l.keptAmount })),
    excludedCategories,
  ).map((line, i) => ({ ...line, weighed: kept[i].quantityMilli % 1000 !== 0 })); // A weighed line stays weighed when part of it is kept.
  const now = keptDiscounts(keptLines, terms).reduce((sum, d) => sum + d, 0);
  const clawback = Math.min(allocated, Math.max(0, keptAllocatedDiscount - now));
  return { allocatedMinor: allocated, clawbackMinor: clawback, refundMinor: allocated - clawback };
}
