import type { DomainEvent, EventType } from './event-types';

/** One of the events `E`, discriminated by `type`. */
export type EventOf<E extends EventType> = { [K in E]: DomainEvent<K> }[E];

/**
 * A module's reaction to events, listed in its descriptor's `subscribers`;
 * `handle` gets the module's own and used services, and the events of its
 * types that one relay round delivered together, in the order they were
 * written (one or many: share work across them, such as one read per
 * merchant or one refresh per member). Delivery is at least once (a retry
 * after a crash or a failing sibling subscriber runs it again), so `handle`
 * must be idempotent: de-duplicate by `event.id`, or make the effect a
 * recomputation.
 */
export interface EventSubscriber<E extends EventType = EventType, S = unknown> {
  /** Stable and unique, for logs. */
  name: string;
  events: readonly E[];
  handle(events: EventOf<E>[], services: S): Promise<void>;
}

/** A subscriber bound to its module's services, as the dispatch job runs it. */
export interface BoundSubscriber {
  name: string;
  events: readonly EventType[];
  handle(events: DomainEvent[]): Promise<void>;
}

/** Declares a subscriber with its handler typed by the events it lists (annotate `services` with what it uses). */
export function subscriber<E extends EventType, S>(s: EventSubscriber<E, S>): EventSubscriber<EventType, S> {
  return s as unknown as EventSubscriber<EventType, S>;
}
