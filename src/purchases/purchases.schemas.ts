import { z } from 'zod';
import { PurchaseView, ReceiptNumber } from '../till';

/** ?storeId=&memberId=&from=&to=&limit=&offset= on purchase lists, newest first. */
export const PurchaseListQuery = z.strictObject({
  storeId: z.uuid().optional(),
  memberId: z.uuid().optional(),
  /** The receipt number the till printed (the POS's own, as it sent it with the sale). */
  receiptNumber: ReceiptNumber.optional(),
  /** occurredAt ≥ from (inclusive), < to (exclusive). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type PurchaseListQuery = z.infer<typeof PurchaseListQuery>;

export const MemberPurchasesQuery = PurchaseListQuery.omit({ memberId: true });

export const PurchasePage = z.object({ items: z.array(PurchaseView), total: z.number().int() });

export const PurchaseParams = z.strictObject({ purchaseId: z.uuid() });
export const MemberParams = z.strictObject({ memberId: z.uuid() });
