/** Which sales a series sums: the merchant's, a store's, a category's, a store's in a category. */
export const LEVELS = ['merchant', 'store', 'category', 'store-category'] as const;
export type SeriesLevel = (typeof LEVELS)[number];

/** What each series forecasts per day: net sales, receipts and net sales to members (their share is the ratio). */
export const MEASURES = ['sales', 'receipts', 'memberSales'] as const;
export type Measure = (typeof MEASURES)[number];

export interface SeriesId {
  level: SeriesLevel;
  storeId: string | null;
  category: string | null;
}

/**
 * A series' key, readable and unique per run: 'merchant', 'store:<id>',
 * 'category:<name>', 'store:<id>:category:<name>'. Store ids hold no ':', so
 * the key parses back even when a category name does.
 */
export function seriesKey({ storeId, category }: Pick<SeriesId, 'storeId' | 'category'>): string {
  const parts = [...(storeId !== null ? [`store:${storeId}`] : []), ...(category !== null ? [`category:${category}`] : [])];
  return parts.length ? parts.join(':') : 'merchant';
}

/** The series a key names, or null for a key that names none. */
export function parseSeriesKey(key: string): SeriesId | null {
  if (key === 'merchant') return { level: 'merchant', storeId: null, category: null };
  const categoryOf = (rest: string) => (rest.startsWith('category:') && rest.length > 9 && rest.length <= 9 + 64 ? rest.slice(9) : null);
  if (key.startsWith('category:')) {
    const category = categoryOf(key);
    return category === null ? null : { level: 'category', storeId: null, category };
  }
  if (!key.startsWith('store:')) return null;
  const rest = key.slice(6);
  const colon = rest.indexOf(':');
  const storeId = colon < 0 ? rest : rest.slice(0, colon);
  if (storeId.length < 1 || storeId.length > 36) return null;
  if (colon < 0) return { level: 'store', storeId, category: null };
  const category = categoryOf(rest.slice(colon + 1));
  return category === null ? null : { level: 'store-category', storeId, category };
}
