import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

/** One CSV column: its header and how a row gives its value. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * A spreadsheet opening the file runs a cell that starts with = + - @ (or a
 * tab or carriage return before them) as a formula ("CSV injection"): a
 * member named "=HYPERLINK(…)" would be a link in the accountant's sheet.
 * Such text gets a leading apostrophe, which spreadsheets show as text.
 */
export function safeCell(value: string | number | boolean | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** An amount in minor units as a decimal in the currency's digits (1234, 2 → "12.34"), exact for any safe integer. */
export function decimalOf(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * Streams rows as CSV into `out`: pages are pulled from `pages` only as fast
 * as `out` drains (Readable.from and pipeline carry the backpressure), so
 * the export holds one page in memory however large the table. A UTF-8 byte
 * order mark first, so spreadsheets read Thai and Chinese names right.
 */
export async function streamCsv<T>(pages: AsyncIterable<T[]>, columns: Column<T>[], out: Writable): Promise<void> {
  async function* rows() {
    for await (const page of pages) for (const row of page) yield columns.map((c) => safeCell(c.value(row)));
  }
  const csv = stringify({ header: true, columns: columns.map((c) => c.header), bom: true });
  await pipeline(Readable.from(rows()), csv, out);
}

/** Pages of a keyset-paginated source: `page(after)` gives rows after the cursor; `cursorOf` reads the next cursor from the last row. */
export async function* keysetPages<T, K>(page: (after: K) => Promise<T[]>, first: K, cursorOf: (row: T) => K, size: number): AsyncGenerator<T[]> {
  for (let after = first; ; ) {
    const rows = await page(after);
    if (rows.length) yield rows;
    if (rows.length < size) return;
    after = cursorOf(rows[rows.length - 1]);
  }
}
