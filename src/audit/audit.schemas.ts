import { z } from 'zod';

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditOut = z.object({
  id: z.number().int(),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});

export const AuditPage = z.object({ items: z.array(AuditOut), total: z.number().int() });
