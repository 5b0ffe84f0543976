/**
 * A background job ready to run: a module's job (see `ModuleJob` in
 * `src/module.ts`) bound to that module's services. `handle` must be
 * idempotent: Bull retries and the outbox relay may deliver twice.
 */
export interface JobDefinition {
  name: string;
  handle(data: unknown): Promise<void>;
  /**
   * Handles the payloads of several outbox rows at once. A job that has it
   * gets its due rows of a relay round as one queue job (one hand-over, one
   * completion), so work can be shared across them (one read per merchant,
   * one refresh per member). Same contract as `handle`: idempotent.
   */
  handleBatch?(items: unknown[]): Promise<void>;
  /** Cron expression (UTC) for scheduled jobs. */
  schedule?: string;
}
