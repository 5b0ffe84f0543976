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
  /** Repeat a job on a cron schedule (UTC); registering the same schedule twice keeps one. */
  schedule(name: string, cron: string, data?: unknown): Promise<void>;
  /** True when the queue's backend answers. */
  ping(): Promise<boolean>;
  /** Stop taking new jobs, wait for running ones, release connections. */
  close(): Promise<void>;
}
