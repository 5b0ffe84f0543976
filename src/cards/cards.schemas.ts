import { z } from 'zod';
import { CardOut } from '../members';
import { CARD_PREFIX_PATTERN } from './card-number';
import { MAX_SHEET_CARDS } from './batch-sheet';
import { MAX_BATCH_SIZE } from './cards.service';

export const CardParams = z.strictObject({ cardId: z.string().min(1).max(64) });
export const BatchParams = z.strictObject({ batchId: z.string().min(1).max(64) });
/** One printed sheet of a batch: at most MAX_SHEET_CARDS cards from `offset` (issue 15, finding 10). */
export const SheetQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(MAX_BATCH_SIZE).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_SHEET_CARDS).default(MAX_SHEET_CARDS),
});
export const BatchListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const AttachParams = z.strictObject({ memberId: z.string().min(1).max(64) });

export const CardReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const ReplaceBody = z.strictObject({
  cardCode: z.string().trim().min(1).max(32).optional().describe('A pre-printed card to use; without it a new digital card is issued'),
  reason: z.string().trim().min(1).max(500).optional(),
});
export const AttachBody = z.strictObject({ cardCode: z.string().trim().min(1).max(32) });
export const BatchBody = z.strictObject({
  count: z.number().int().min(1).max(MAX_BATCH_SIZE),
  prefix: z.string().regex(CARD_PREFIX_PATTERN, 'must be 2 followed by up to three digits (GS1 in-store range)').optional(),
});

export const CardDetailOut = CardOut.extend({
  history: z.array(z.object({ fromStatus: z.string().nullable(), toStatus: z.string(), reason: z.string().nullable(), actorKind: z.string(), at: z.string() })),
});
export const ReplaceOut = z.object({ old: CardOut, card: CardOut });
export const BatchOut = z.object({ id: z.string(), count: z.number().int(), prefix: z.string(), createdAt: z.string() });
export const BatchPageOut = z.object({ items: z.array(BatchOut), total: z.number().int() });
