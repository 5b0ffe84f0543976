/** A named job handler. Handlers must be idempotent: Bull retries, the relay may deliver twice. */
export type JobHandler<T = unknown> = (data: T) => Promise<void>;

export interface AddOptions {
  /** Same id, same job: a second add with it is ignored while the first is known. */
  jobId?: string;
  delayMs?: number;
}

/**
 * The one queue interface. `BullJobQueue` (Redis) and `InProcessJobQueue`
 * implement it; one contract test suite runs against both.
 */
export interface JobQueue {
  readonly kind: 'bull' | 'in-process';
  /** Consume jobs of this name in this process. */
  process<T>(name: string, handler: JobHandler<T>): void;
  add<T>(name: string, data: T, options?: AddOptions): Promise<void>;
  /**
   * Repeat a job on a cron schedule (UTC; five fields, or six with seconds first).
   * One schedule per job name: registering it again keeps one, with the latest cron.
   */
  schedule(name: string, cron: string, data?: unknown): Promise<void>;
  /** True when the queue's backend answers; false within a few seconds when it does not. */
  ping(): Promise<boolean>;
  /** Stop taking new jobs, wait for running ones, release connections. */
  close(): Promise<void>;
}
