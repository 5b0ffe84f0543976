import { categoryKey } from '../../offer-engine/category-key';

// Categories are keyed the same way by the earning rules and the offer engine, whose folder holds the one function.
export { categoryKey };

/**
 * Every category the program names: excluded ones, multipliers, product
 * bonuses and promotions, as the program spells them (first spelling wins).
 * The till offers these on each line, so a line of beer can be marked as such.
 */
export function programCategories(rules: {
  earning: { excludedCategories: string[]; categoryMultipliers: { category: string }[]; productBonuses: { category?: string }[] };
  promotions: { categories: string[] | null }[];
}): string[] {
  const named = [
    ...rules.earning.excludedCategories,
    ...rules.earning.categoryMultipliers.map((m) => m.category),
    ...rules.earning.productBonuses.flatMap((b) => (b.category ? [b.category] : [])),
    ...rules.promotions.flatMap((p) => p.categories ?? []),
  ];
  return uniqueCategories(named);
}

/** Categories without duplicates under `categoryKey`, keeping the first spelling, sorted. */
export function uniqueCategories(names: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const name of names) {
    const key = categoryKey(name);
    if (key !== null && !byKey.has(key)) byKey.set(key, name.trim());
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}
