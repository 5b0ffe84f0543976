import type { Services } from '../services';

/**
 * A background job owned by a module (in its `<module>.jobs.ts`). `handle`
 * must be idempotent: Bull retries and the outbox relay may deliver twice.
 */
export interface JobDefinition<T = unknown> {
  name: string;
  handle(data: T, services: Services): Promise<void>;
  /** Cron expression (UTC) for scheduled jobs. */
  schedule?: string;
}
