import type { JobDefinition } from '../jobs/job-definition';
import { EVENT_TYPES, type DomainEvent, type EventType } from './event-types';
import { DISPATCH_EVENT_JOB } from './publish';
import type { BoundSubscriber } from './subscriber';

/**
 * The job behind every published event: runs each subscriber of its type.
 * One failing subscriber does not stop the others; the job then fails and is
 * retried, so every subscriber sees the event at least once (those that had
 * succeeded see it again: handlers are idempotent).
 */
export function dispatchJob(subscribers: readonly BoundSubscriber[]): JobDefinition {
  const byType = new Map<EventType, BoundSubscriber[]>();
  const names = new Set<string>();
  for (const s of subscribers) {
    if (names.has(s.name)) throw new Error(`event subscriber ${s.name} is registered twice`);
    names.add(s.name);
    for (const type of s.events) byType.set(type, [...(byType.get(type) ?? []), s]);
  }
  return {
    name: DISPATCH_EVENT_JOB,
    async handle(data) {
      const event = data as DomainEvent;
      // A type this code does not know (written by a newer version during a rollback) has no subscriber here.
      if (!EVENT_TYPES.includes(event.type)) return;
      const failures: { subscriber: string; err: unknown }[] = [];
      for (const s of byType.get(event.type) ?? []) {
        try {
          await s.handle(event);
        } catch (err) {
          failures.push({ subscriber: s.name, err });
        }
      }
      if (failures.length) {
        const reasons = failures.map((f) => `${f.subscriber}: ${f.err instanceof Error ? f.err.message : String(f.err)}`);
        throw new AggregateError(
          failures.map((f) => f.err),
          `event ${event.type} ${event.id} will be delivered again; failed: ${reasons.join('; ')}`,
        );
      }
    },
  };
}
