import type { Services } from '../services';
import type { DomainEvent, EventType } from './event-types';

/** One of the events `E`, discriminated by `type`. */
export type EventOf<E extends EventType> = { [K in E]: DomainEvent<K> }[E];

/**
 * A module's reaction to events. Delivery is at least once (a retry after a
 * crash or a failing sibling subscriber runs it again), so `handle` must be
 * idempotent: de-duplicate by `event.id`, or make the effect a recomputation.
 */
export interface EventSubscriber<E extends EventType = EventType> {
  /** Stable and unique, for logs. */
  name: string;
  events: readonly E[];
  handle(event: EventOf<E>, services: Services): Promise<void>;
}

/** Declares a subscriber with its handler typed by the events it lists. */
export function subscriber<E extends EventType>(s: EventSubscriber<E>): EventSubscriber {
  return s as unknown as EventSubscriber;
}
