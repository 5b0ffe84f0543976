import { z } from 'zod';

export const MemberPointsParams = z.strictObject({ memberId: z.uuid() });

export const AdjustmentBody = z.strictObject({
  /** Positive credits, negative takes away (never below zero). */
  points: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((p) => p !== 0, 'must not be zero'),
  reason: z.string().trim().min(3).max(500),
});

export const IdempotencyKeyValue = z.string().regex(/^[A-Za-z0-9._:-]{8,64}$/, '8–64 letters, digits or . _ : -');
/** Optional on adjustments: a retry with the same key gets the first answer. */
export const AdjustmentHeaders = z.object({ 'idempotency-key': IdempotencyKeyValue.optional() });

export const EntriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Entry id from `nextBefore` of the previous page. */
  before: z.coerce.number().int().min(1).optional(),
});

export const BalanceOut = z.object({
  available: z.number().int(),
  pending: z.number().int(),
  lifetimeEarned: z.number().int(),
  lifetimeRedeemed: z.number().int(),
});

export const SummaryOut = BalanceOut.extend({
  expiringSoon: z.object({ points: z.number().int(), expiresAt: z.string() }).nullable(),
});

/** When the member's points expire: open lots summed per expiry instant, soonest first. */
export const ExpiryScheduleOut = z.object({
  items: z.array(z.object({ expiresAt: z.string(), points: z.number().int(), pending: z.number().int().describe('of which still pending') })),
  /** Points in lots without an expiry date. */
  neverExpire: z.number().int(),
});

export const EntryOut = z.object({
  id: z.number().int(),
  kind: z.enum(['earn', 'bonus', 'redeem', 'expire', 'adjust', 'reverse', 'restore', 'transfer']),
  points: z.number().int(),
  sourceType: z.string(),
  sourceId: z.string().nullable(),
  reason: z.string().nullable(),
  actor: z.string().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
});

export const EntryPageOut = z.object({ items: z.array(EntryOut), nextBefore: z.number().int().nullable() });

export const AdjustmentOut = z.object({ entry: EntryOut, balance: BalanceOut });

export const ReconciliationOut = z.object({
  consistent: z.boolean(),
  mismatches: z.array(z.object({ memberId: z.string(), check: z.enum(['entries', 'lots']), cached: z.number().int(), ledger: z.number().int() })),
});
