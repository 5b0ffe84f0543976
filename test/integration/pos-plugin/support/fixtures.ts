import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommitPurchaseInput } from '../../../../pos-plugin/src/terminal';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tally-pos-${prefix}-`));
}

/** A small earn-only basket: two lines, 12.40 in total. */
export function basket(receiptNumber: string, extra: Partial<CommitPurchaseInput> = {}): CommitPurchaseInput {
  return {
    receiptNumber,
    lines: [
      { sku: 'milk-1l', category: 'dairy', quantity: 2000, unitPriceMinor: 120 },
      { sku: 'coffee-500g', category: 'grocery', quantity: 1000, unitPriceMinor: 1000 },
    ],
    ...extra,
  };
}

let phoneSeq = Math.floor(Math.random() * 1_000_000);

/** A UK mobile number in E.164 that no other test uses. */
export function uniquePhone(): string {
  phoneSeq = (phoneSeq + 1) % 1_000_000;
  return `+447911${String(phoneSeq).padStart(6, '0')}`;
}
