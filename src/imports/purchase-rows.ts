import type { RowError } from '../members';
import { cell } from './mapping';
import { parseDateTime, parseDecimal } from './values';

/** The target fields of a purchases file (see docs/imports.md): one row per purchase, or one per line with the purchase's fields repeated. */
export const PURCHASE_FIELDS = [
  'customerId',
  'phone',
  'email',
  'card',
  'occurredAt',
  'receiptNumber',
  'store',
  'total',
  'sku',
  'category',
  'description',
  'quantity',
  'unitPrice',
  'amount',
] as const;

export const REQUIRED_PURCHASE_FIELDS = ['occurredAt', 'receiptNumber', 'store'] as const;

/** The customer a row names, by the first of customer id, phone, email and card that is given (purchases, segment members). */
export function customerRef(record: readonly string[], columns: Map<string, number>): PurchaseRow['customer'] {
  return {
    externalId: cell(record, columns, 'customerId'),
    phone: cell(record, columns, 'phone'),
    email: cell(record, columns, 'email')?.toLowerCase() ?? null,
    card: cell(record, columns, 'card'),
  };
}

export interface PurchaseRow {
  row: number;
  store: string;
  receiptNumber: string;
  occurredAt: { wall: Date; zoned: boolean };
  customer: { externalId: string | null; phone: string | null; email: string | null; card: string | null };
  /** The purchase's total when the file gives one (negative for a return). */
  totalMinor: number | null;
  line: { sku: string; category: string | null; description: string | null; quantityMilli: number; unitPriceMinor: number; amountMinor: number } | null;
}

/**
 * Reads one record of a purchases file, money in the currency's minor units
 * (`digits` decimals) and quantities in thousandths, or the row's problems.
 */
export function purchaseRow(record: readonly string[], columns: Map<string, number>, row: number, digits: number): PurchaseRow | RowError[] {
  const errors: RowError[] = [];
  const get = (field: string) => cell(record, columns, field);
  const fail = (field: string, message: string) => errors.push({ row, field, message });
  const text = (field: string, max: number, required = false) => {
    const value = get(field);
    if (value === null && required) fail(field, 'required');
    if (value !== null && value.length > max) fail(field, `longer than ${max} characters`);
    return value ?? '';
  };
  const money = (field: string) => {
    const raw = get(field);
    if (raw === null) return null;
    const value = parseDecimal(raw, digits);
    if (value === null) fail(field, `expected an amount with at most ${digits} decimals`);
    return value;
  };

  const store = text('store', 120, true);
  const receiptNumber = text('receiptNumber', 64, true);
  const whenRaw = get('occurredAt');
  const occurredAt = whenRaw === null ? null : parseDateTime(whenRaw);
  if (whenRaw === null) fail('occurredAt', 'required');
  else if (occurredAt === null) fail('occurredAt', 'expected a date-time as YYYY-MM-DD HH:MM[:SS][Z|±HH:MM]');
  const customer = customerRef(record, columns);
  const totalMinor = money('total');

  let line: PurchaseRow['line'] = null;
  const sku = get('sku');
  if (sku !== null) {
    if (sku.length > 64) fail('sku', 'longer than 64 characters');
    const category = get('category');
    if (category !== null && category.length > 64) fail('category', 'longer than 64 characters');
    const quantityRaw = get('quantity');
    const quantityMilli = quantityRaw === null ? 1000 : parseDecimal(quantityRaw, 3);
    if (quantityMilli === null) fail('quantity', 'expected a quantity with at most 3 decimals');
    const unitPriceMinor = money('unitPrice');
    const given = money('amount');
    if (unitPriceMinor === null && given === null && !errors.some((e) => e.field === 'unitPrice' || e.field === 'amount')) fail('unitPrice', 'a line needs a unit price or an amount');
    if (quantityMilli !== null && (unitPriceMinor !== null || given !== null)) {
      // quantity × price, rounded half away from zero to the minor unit, in integers.
      const amountMinor = given ?? roundedDiv(quantityMilli * (unitPriceMinor as number), 1000);
      line = {
        sku,
        category,
        description: get('description')?.slice(0, 200) ?? null,
        quantityMilli,
        unitPriceMinor: unitPriceMinor ?? (quantityMilli === 0 ? 0 : roundedDiv(amountMinor * 1000, quantityMilli)),
        amountMinor,
      };
    }
  }
  if (errors.length) return errors;
  return { row, store, receiptNumber, occurredAt: occurredAt as PurchaseRow['occurredAt'], customer, totalMinor, line };
}

function roundedDiv(numerator: number, denominator: number): number {
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  return sign * Math.floor((n + Math.floor(d / 2)) / d);
}
