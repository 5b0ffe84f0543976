import type { EntityManager } from 'typeorm';
import { newId } from '../db/ids';
import { enqueueInTransaction } from '../jobs/outbox';
import { EVENT_VERSIONS, type DomainEvent, type EventDataOf, type EventType } from './event-types';

/** The outbox job that hands one event to its subscribers. */
export const DISPATCH_EVENT_JOB = 'events.dispatch';

/**
 * Records a domain event in the caller's transaction: it exists if and only
 * if the change commits, and the outbox relay delivers it after commit (a
 * Redis outage delays it, never loses it).
 */
export async function publish<T extends EventType>(tx: EntityManager, merchantId: string, type: T, data: EventDataOf<T>, now = new Date()): Promise<DomainEvent<T>> {
  const event: DomainEvent<T> = { id: newId(now.getTime()), type, version: EVENT_VERSIONS[type], merchantId, occurredAt: now.toISOString(), data };
  await enqueueInTransaction(tx, DISPATCH_EVENT_JOB, event, { merchantId, now });
  return event;
}
