import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { CommitPurchaseRequest } from './api-types';
import { parseScaled } from './decimal';
import { TallyApiError } from './errors';
import { validatePurchase } from './validate';

/** A receipt read from a dropped file, with the idempotency key derived from its content. */
export interface FileReceipt {
  body: CommitPurchaseRequest;
  idempotencyKey: string;
}

export class ReceiptFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReceiptFileError';
  }
}

/**
 * Reads a receipt file dropped by a POS export: `.json` (one purchase in the
 * API's shape, or an array of them) or `.csv` (the documented drop format,
 * one row per line, several receipts allowed). The whole file is checked
 * before anything is sent, so a malformed file sends nothing.
 */
export function readReceiptFile(name: string, content: string, options: { minorDigits: number }): FileReceipt[] {
  const lower = name.toLowerCase();
  const bodies = lower.endsWith('.json') ? fromJson(content) : lower.endsWith('.csv') ? fromCsv(content, options.minorDigits) : null;
  if (!bodies) throw new ReceiptFileError('unsupported file type: drop .json or .csv files');
  if (bodies.length === 0) throw new ReceiptFileError('the file holds no receipts');
  const receipts = bodies.map((raw, i) => {
    try {
      const body = validatePurchase(raw);
      return { body, idempotencyKey: fileReceiptKey(body) };
    } catch (err) {
      if (err instanceof TallyApiError) throw new ReceiptFileError(`receipt ${i + 1}: ${err.message}`);
      throw err;
    }
  });
  const numbers = new Set<string>();
  for (const r of receipts) {
    if (numbers.has(r.body.receiptNumber)) throw new ReceiptFileError(`receipt ${r.body.receiptNumber} appears twice in the file (rows of a receipt must be consecutive)`);
    numbers.add(r.body.receiptNumber);
  }
  return receipts;
}

/**
 * Same receipt content, same key: a file dropped twice (or re-processed after
 * a crash before it was moved) is recorded once; a different receipt under an
 * already used receipt number gets the server's 409 instead.
 */
export function fileReceiptKey(body: CommitPurchaseRequest): string {
  return `drop-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 48)}`;
}

function fromJson(content: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    throw new ReceiptFileError(`not valid JSON (${(err as Error).message})`);
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed !== null && typeof parsed === 'object') return [parsed];
  throw new ReceiptFileError('JSON must be a purchase object or an array of them');
}

/** Columns of the CSV drop format; the first six are required. */
export const CSV_COLUMNS = ['receipt_number', 'occurred_at', 'sku', 'quantity', 'unit_price', 'amount', 'card_code', 'member_id', 'category', 'description'] as const;
const REQUIRED = ['receipt_number', 'occurred_at', 'sku', 'quantity', 'unit_price'];

function fromCsv(content: string, minorDigits: number): unknown[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(content, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new ReceiptFileError(`not valid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) return [];
  const header = Object.keys(rows[0]);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new ReceiptFileError(`CSV header lacks ${missing.join(', ')}`);
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new ReceiptFileError(`CSV header has unknown columns ${unknown.join(', ')}`);

  const receipts: (Record<string, unknown> & { lines: unknown[] })[] = [];
  rows.forEach((row, i) => {
    const at = `row ${i + 2}`;
    const quantity = parseScaled(row.quantity, 3);
    const unitPriceMinor = parseScaled(row.unit_price, minorDigits);
    const amountMinor = row.amount ? parseScaled(row.amount, minorDigits) : undefined;
    if (quantity === null) throw new ReceiptFileError(`${at}: quantity "${row.quantity}" is not a positive decimal with at most 3 decimals`);
    if (unitPriceMinor === null) throw new ReceiptFileError(`${at}: unit_price "${row.unit_price}" is not a price with at most ${minorDigits} decimals`);
    if (amountMinor === null) throw new ReceiptFileError(`${at}: amount "${row.amount}" is not a price with at most ${minorDigits} decimals`);
    const head = {
      receiptNumber: row.receipt_number,
      occurredAt: row.occurred_at,
      ...(row.card_code ? { cardCode: row.card_code } : {}),
      ...(row.member_id ? { memberId: row.member_id } : {}),
    };
    const line = {
      sku: row.sku,
      ...(row.category ? { category: row.category } : {}),
      ...(row.description ? { description: row.description } : {}),
      quantity,
      unitPriceMinor,
      ...(amountMinor === undefined ? {} : { amountMinor }),
    };
    const current = receipts.at(-1);
    if (current && current.receiptNumber === head.receiptNumber) {
      if (current.occurredAt !== head.occurredAt || current.cardCode !== head.cardCode || current.memberId !== head.memberId) {
        throw new ReceiptFileError(`${at}: receipt ${head.receiptNumber} changes occurred_at, card_code or member_id between its rows`);
      }
      current.lines.push(line);
    } else {
      receipts.push({ ...head, lines: [line] });
    }
  });
  return receipts;
}
