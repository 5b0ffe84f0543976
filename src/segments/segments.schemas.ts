import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';
import { SegmentRules } from './segment-rules';

export const CreateSegmentBody = z.strictObject({
  name: nameText(TEXT_LIMITS.businessName),
  rules: SegmentRules.optional().describe('rules over member facts and scores; without them the segment is static and filled by a CSV upload'),
});

export const UpdateSegmentBody = z
  .strictObject({ name: nameText(TEXT_LIMITS.businessName).optional(), rules: SegmentRules.optional() })
  .refine((b) => b.name !== undefined || b.rules !== undefined, 'give a name, rules or both');

export const PreviewSegmentBody = z.strictObject({ rules: SegmentRules });

export const SegmentParams = z.strictObject({ segmentId: z.uuid() });

export const SegmentChangesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  beforeId: z.coerce.number().int().min(1).optional().describe('the id of the last change of the previous page'),
});

export const SegmentOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['static', 'rules']).describe('static: a list of members uploaded as CSV (POST /v1/imports/segment-members); rules: the members its rules select, refreshed nightly, after purchases and on request'),
  rules: SegmentRules.nullable(),
  memberCount: z.number().int(),
  refreshedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const SegmentList = z.object({ items: z.array(SegmentOut) });

export const SegmentPreviewOut = z.object({
  count: z.number().int().describe('members the rules select now'),
  warnings: z.array(z.object({ code: z.enum(['NO_SCORES']), message: z.string() })),
});

export const SegmentChangesOut = z.object({
  items: z.array(z.object({ id: z.number().int(), memberId: z.string(), change: z.enum(['entered', 'left']), changedAt: z.string() })),
});

export type SegmentOutView = z.infer<typeof SegmentOut>;
