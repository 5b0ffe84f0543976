import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboxEntry } from './outbox-entry.entity';

/**
 * Records a job in the caller's transaction. It reaches the queue through the
 * relay after commit, so a Redis outage delays the job but never loses it,
 * and a rolled-back transaction never runs it.
 */
export async function enqueueInTransaction(
  tx: EntityManager,
  jobName: string,
  payload: unknown,
  options: { merchantId?: string | null; delayMs?: number; now?: Date } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  // updateEntity(false): nothing is read back, which would cost a SELECT per enqueue on MySQL.
  await tx
    .createQueryBuilder()
    .insert()
    .into(OutboxEntry)
    .values({
    merchantId: options.merchantId ?? null,
    jobName,
    payload,
    createdAt: now,
    availableAt: new Date(now.getTime() + (options.delayMs ?? 0)),
    relayedAt: null,
    attempts: 0,
      lastError: null,
    } as QueryDeepPartialEntity<OutboxEntry>)
    .updateEntity(false)
    .execute();
}
