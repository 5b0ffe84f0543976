/**
 * Purchase and points-ledger rows as the API returns them, imported as types
 * from the server's zod schemas so the back office and the portal cannot
 * drift from it. Type-only: nothing of zod ends up in the bundle.
 */
import type { z } from 'zod';
import type { EntryOut } from '../../../src/points/points.schemas';

export type { PurchaseView as PurchaseRow } from '../../../src/till/till.schemas';
export type EntryRow = z.infer<typeof EntryOut>;
