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

let phoneSeq = Math.floor(Math.random() * 100_000);

/** A valid UK mobile number in E.164 (the 07911 1xxxxx range) that no other test in the run uses. */
export function uniquePhone(): string {
  phoneSeq = (phoneSeq + 1) % 100_000;
  return `+4479111${String(phoneSeq).padStart(5, '0')}`;
}
