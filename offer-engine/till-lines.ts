import { categoryKey } from './category-key';
import type { OfferLine } from './types';

/** A basket line as a till sends it (the server's BasketLine): quantity in thousandths, money in minor units. */
export interface TillLine {
  sku: string;
  category?: string | null;
  quantity: number;
  unitPriceMinor: number;
  /** What the line costs after the till's own line discounts; default quantity × price. */
  amountMinor?: number;
  /** From the product catalogue: the category's ancestors, nearest first (Drinks for Beer). */
  ancestors?: readonly (string | null)[];
  /** From the product catalogue: the product's groups (mix & match). */
  groups?: readonly string[];
  /** From the product catalogue: false for goods that never earn (tobacco, lottery, deposits, gift cards). */
  earnsPoints?: boolean;
  /** From the product catalogue: sold by weight. */
  weighed?: boolean;
}

/** quantity (thousandths) × unit price, rounded half up to the minor unit. */
export function lineAmount(quantityMilli: number, unitPriceMinor: number): number {
  return Math.floor((quantityMilli * unitPriceMinor + 500) / 1000);
}

/**
 * The engine's lines for a till's basket: the category and its ancestors
 * keyed, the amount priced as the server prices it, goods the catalogue
 * excludes or of (or under) the program's excluded categories not earning. The server's pricing pipeline and a till offline both build
 * their lines here, so they give the engine the same input.
 */
export function offerLinesOf(lines: readonly TillLine[], excludedCategories: readonly string[]): OfferLine[] {
  const excluded = new Set(excludedCategories.map((c) => categoryKey(c)));
  return lines.map((l) => {
    const categories = [l.category, ...(l.ancestors ?? [])].map((c) => categoryKey(c)).filter((c) => c !== null);
    return {
      sku: l.sku,
      categories,
      ...(l.groups === undefined ? {} : { groups: [...l.groups] }),
      ...(l.weighed === undefined ? {} : { weighed: l.weighed }),
      quantityMilli: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor ?? lineAmount(l.quantity, l.unitPriceMinor),
      earnsPoints: l.earnsPoints !== false && !categories.some((c) => excluded.has(c)),
    };
  });
}
