import type { JobDefinition } from '../jobs/job-definition';
import { EVENT_TYPES, type DomainEvent } from './event-types';
import { DISPATCH_EVENT_JOB } from './publish';
import type { BoundSubscriber } from './subscriber';

/**
 * The job behind every published event: hands the events of a relay round
 * (one job, `handleBatch`) to each subscriber, the ones of its types in the
 * order they were written. One failing subscriber does not stop the others;
 * the job then fails and is retried, so every subscriber sees the events at
 * least once (those that had succeeded see them again: handlers are
 * idempotent).
 */
export function dispatchJob(subscribers: readonly BoundSubscriber[]): JobDefinition {
  const names = new Set<string>();
  for (const s of subscribers) {
    if (names.has(s.name)) throw new Error(`event subscriber ${s.name} is registered twice`);
    names.add(s.name);
  }
  const dispatch = async (items: unknown[]) => {
    // A type this code does not know (written by a newer version during a rollback) has no subscriber here.
    const events = (items as DomainEvent[]).filter((e) => EVENT_TYPES.includes(e.type));
    const failures: { subscriber: string; err: unknown }[] = [];
    for (const s of subscribers) {
      const theirs = events.filter((e) => s.events.includes(e.type));
      if (theirs.length === 0) continue;
      try {
        await s.handle(theirs);
      } catch (err) {
        failures.push({ subscriber: s.name, err });
      }
    }
    if (failures.length) {
      const reasons = failures.map((f) => `${f.subscriber}: ${f.err instanceof Error ? f.err.message : String(f.err)}`);
      throw new AggregateError(
        failures.map((f) => f.err),
        `${events.length === 1 ? `event ${events[0].type} ${events[0].id}` : `${events.length} events`} will be delivered again; failed: ${reasons.join('; ')}`,
      );
    }
  };
  return { name: DISPATCH_EVENT_JOB, handle: (data) => dispatch([data]), handleBatch: dispatch };
}
