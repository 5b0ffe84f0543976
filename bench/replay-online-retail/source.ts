import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { parseScaled } from '../../pos-plugin/src/decimal';

/** One source line, converted exactly: quantity in whole units, price in pence. */
export interface SourceLine {
  stockCode: string;
  description: string;
  quantity: number;
  /** null when the price has more than two decimals (four lines in the year) or is negative. */
  unitPriceMinor: number | null;
}

export interface SourceInvoice {
  invoiceNo: string;
  /** 'sale', 'return' (a "C" invoice) or 'adjustment' (an "A" bad-debt entry, not a till sale). */
  kind: 'sale' | 'return' | 'adjustment';
  /** UK wall-clock time as written in the file. */
  invoiceDate: string;
  customerId: string | null;
  lines: SourceLine[];
}

/**
 * Streams the invoices of online-retail.csv.gz: gunzip and CSV parsing on the
 * fly (never unpacked to disk), consecutive rows with the same InvoiceNo
 * grouped into one invoice.
 */
export async function* readInvoices(file: string): AsyncGenerator<SourceInvoice> {
  const rows = createReadStream(file).pipe(createGunzip()).pipe(parse({ columns: true, bom: true }));
  let current: SourceInvoice | null = null;
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    const invoiceNo = row.InvoiceNo;
    if (!current || current.invoiceNo !== invoiceNo) {
      if (current) yield current;
      current = {
        invoiceNo,
        kind: invoiceNo.startsWith('C') ? 'return' : invoiceNo.startsWith('A') ? 'adjustment' : 'sale',
        invoiceDate: row.InvoiceDate,
        customerId: row.CustomerID ? row.CustomerID : null,
        lines: [],
      };
    }
    current.lines.push({
      stockCode: row.StockCode,
      description: row.Description,
      quantity: Number(row.Quantity),
      unitPriceMinor: parseScaled(row.UnitPrice, 2),
    });
  }
  if (current) yield current;
}
