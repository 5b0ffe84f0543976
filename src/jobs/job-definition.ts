/**
 * A background job ready to run: a module's job (see `ModuleJob` in
 * `src/module.ts`) bound to that module's services. `handle` must be
 * idempotent: Bull retries and the outbox relay may deliver twice.
 */
export interface JobDefinition {
  name: string;
  handle(data: unknown): Promise<void>;
  /** Cron expression (UTC) for scheduled jobs. */
  schedule?: string;
}
