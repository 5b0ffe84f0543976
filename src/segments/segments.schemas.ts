import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';

export const CreateSegmentBody = z.strictObject({ name: nameText(TEXT_LIMITS.businessName) });

export const SegmentParams = z.strictObject({ segmentId: z.uuid() });

export const SegmentOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['static']).describe('static: a list of members uploaded as CSV (POST /v1/imports/segment-members)'),
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const SegmentList = z.object({ items: z.array(SegmentOut) });

export type SegmentOutView = z.infer<typeof SegmentOut>;
