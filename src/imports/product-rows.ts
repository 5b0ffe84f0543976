import { EARNING_EXCLUSIONS, splitCategoryPath, type EarningExclusion, type ImportedProduct } from '../catalogue';
import { TEXT_LIMITS } from '../db/text-limits';
import type { RowError } from '../members';
import { cell } from './mapping';
import { parseDecimal, parseYesNo } from './values';

/** The target fields of a products file (see docs/imports.md). */
export const PRODUCT_FIELDS = ['sku', 'name', 'barcodes', 'category', 'unit', 'earningExclusion', 'shelfPrice', 'groups'] as const;

export const REQUIRED_PRODUCT_FIELDS = ['sku'] as const;

/** Barcodes and group codes in one cell: separated by spaces, commas, semicolons or bars. */
const LIST_SEPARATOR = /[\s,;|]+/;

const GROUP_CODE = /^[a-z0-9][a-z0-9_-]*$/;

/** `unit`: how the product is sold. */
const WEIGHED = new Set(['kg', 'weighed', 'weight', 'g']);
const BY_UNIT = new Set(['unit', 'each', 'piece', 'pc', 'pcs', 'ea']);

/**
 * Reads one record of a products file, the shelf price in the currency's
 * minor units (`digits` decimals), or the row's problems (every field
 * checked, so a row's errors come at once).
 */
export function productRow(record: readonly string[], columns: Map<string, number>, row: number, digits: number): ImportedProduct | RowError[] {
  const errors: RowError[] = [];
  const get = (field: string) => cell(record, columns, field);
  const fail = (field: string, message: string) => errors.push({ row, field, message });
  const control = (field: string, value: string | null) => {
    if (value !== null && /\p{Cc}/u.test(value)) fail(field, 'contains control characters');
  };

  const sku = get('sku');
  if (sku === null) fail('sku', 'required');
  else if (sku.length > TEXT_LIMITS.productCode) fail('sku', `longer than ${TEXT_LIMITS.productCode} characters`);
  control('sku', sku);
  const name = get('name');
  if (name !== null && name.length > TEXT_LIMITS.productName) fail('name', `longer than ${TEXT_LIMITS.productName} characters`);
  control('name', name);

  const barcodes = [...new Set((get('barcodes') ?? '').split(LIST_SEPARATOR).filter((b) => b !== ''))];
  if (barcodes.some((b) => b.length > TEXT_LIMITS.productCode)) fail('barcodes', `a barcode is longer than ${TEXT_LIMITS.productCode} characters`);
  if (barcodes.length > 20) fail('barcodes', 'more than 20 barcodes');
  control('barcodes', get('barcodes'));

  const categoryPath = splitCategoryPath(get('category') ?? '');
  if (categoryPath.some((c) => c.length > TEXT_LIMITS.categoryName)) fail('category', `a category name is longer than ${TEXT_LIMITS.categoryName} characters`);
  control('category', get('category'));

  const unitRaw = get('unit')?.toLowerCase() ?? 'unit';
  if (!WEIGHED.has(unitRaw) && !BY_UNIT.has(unitRaw)) fail('unit', 'expected unit (sold by the piece) or kg (weighed)');

  const exclusionRaw = get('earningExclusion');
  const earningExclusion = exclusionOf(exclusionRaw);
  if (earningExclusion === undefined) fail('earningExclusion', `expected one of ${EARNING_EXCLUSIONS.join(', ')}, yes (other) or no`);

  const priceRaw = get('shelfPrice');
  const shelfPriceMinor = priceRaw === null ? null : parseDecimal(priceRaw, digits);
  if (priceRaw !== null && (shelfPriceMinor === null || shelfPriceMinor < 0 || shelfPriceMinor > 100_000_000)) fail('shelfPrice', `expected a price of 0 or more with at most ${digits} decimals`);

  const groupCodes = [...new Set((get('groups') ?? '').split(LIST_SEPARATOR).filter((g) => g !== '').map((g) => g.toLowerCase()))];
  if (groupCodes.some((g) => g.length > TEXT_LIMITS.productCode || !GROUP_CODE.test(g))) fail('groups', 'group codes are letters, digits, - and _ (at most 64)');

  if (errors.length) return errors;
  return {
    row,
    sku: sku as string,
    name: name ?? (sku as string),
    barcodes,
    categoryPath,
    weighed: WEIGHED.has(unitRaw),
    earningExclusion: earningExclusion as EarningExclusion | null,
    shelfPriceMinor,
    groupCodes,
  };
}

/** An exclusion by name (`gift card` as `gift_card`), yes (other) or no; undefined when it is neither. */
function exclusionOf(raw: string | null): EarningExclusion | null | undefined {
  if (raw === null) return null;
  const text = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const known = EARNING_EXCLUSIONS.find((e) => e === text || `${e}s` === text);
  if (known) return known;
  const answer = parseYesNo(raw);
  if (answer === null) return undefined;
  return answer ? 'other' : null;
}
