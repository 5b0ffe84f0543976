import type { EntityManager } from 'typeorm';
import type { Deps } from '../deps';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Caller } from '../http/principal';
import { AuditEntry } from './audit-entry.entity';
import type { AuditQuery } from './audit.schemas';

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

/** Reads the audit log; writing is `audit(tx, …)` inside the writer's transaction. */
export class AuditService {
  constructor(private readonly deps: Deps) {}

  /** A merchant's audit log, newest first. */
  async list(merchantId: string, query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const qb = this.deps.db.manager.getRepository(AuditEntry).createQueryBuilder('a').where('a.merchant_id = :mid', { mid: merchantId }).orderBy('a.id', 'DESC');
    if (query.entity) qb.andWhere('a.entity = :entity', { entity: query.entity });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    const [items, total] = await qb.take(query.limit).skip(query.offset).getManyAndCount();
    return { items, total };
  }
}
