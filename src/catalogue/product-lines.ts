import type { ResolvedProduct } from './catalogue.service';

/** What a basket line carries once its product is known: the pricing pipeline's `BasketLineInput` fields. */
export interface ProductLineFields {
  sku: string;
  category?: string | null;
  ancestors?: readonly string[];
  groups?: readonly string[];
  earnsPoints?: boolean;
  weighed?: boolean;
}

/**
 * A basket line with what the catalogue knows of its product: the product's
 * SKU (a till may have sent a barcode), its category with the ancestors, its
 * groups, whether it earns points and whether it is weighed. The
 * catalogue's category wins over the one the till sent; a product without a
 * category keeps the till's. A line whose code names no product is left as
 * the till sent it.
 */
export function withProduct<L extends ProductLineFields>(line: L, product: ResolvedProduct | undefined): L {
  if (!product) return line;
  const category = product.category ?? line.category ?? null;
  return {
    ...line,
    sku: product.sku,
    category,
    ancestors: product.category === null ? [] : product.ancestors,
    groups: product.groups,
    earnsPoints: product.earnsPoints,
    weighed: product.weighed,
  };
}
