import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Caller } from '../http/principal';
import { AuditEntry } from './audit-entry.entity';

export interface AuditInput {
  action: string;
  entity: string;
  entityId?: string | null;
  data?: Record<string, unknown>;
}

/** Records a staff, platform operator or system action inside the caller's transaction. */
export async function audit(tx: EntityManager, merchantId: string, actor: Caller | null, input: AuditInput, now = new Date()): Promise<void> {
  await tx.insert(AuditEntry, {
    merchantId,
    actorKind: actor?.kind ?? 'system',
    actorId: actor ? actorId(actor) : null,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId ?? null,
    data: input.data ?? null,
    createdAt: now,
  } as QueryDeepPartialEntity<AuditEntry>);
}

function actorId(p: Caller): string {
  switch (p.kind) {
    case 'staff':
      return p.userId;
    case 'terminal':
      return p.terminalId;
    case 'member':
      return p.memberId;
    case 'operator':
      return p.operatorId;
  }
}
