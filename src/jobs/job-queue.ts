/** What a handler learns about the job it runs besides its data. */
export interface JobInfo {
  /** The jobId it was added with (Bull makes one up when none was given). */
  id?: string;
}

/** A named job handler. Handlers must be idempotent: Bull retries, the relay may deliver twice. */
export type JobHandler<T = unknown> = (data: T, job: JobInfo) => Promise<void>;

export interface AddOptions {
  /** Same id, same job: a second add with it is ignored while the first is known. */
  jobId?: string;
  delayMs?: number;
}

/** What a queue holds for one job name right now (for /metrics). */
export interface QueueCounts {
  name: string;
  /** Due and not started. */
  waiting: number;
  active: number;
  /** Waiting for their delay or retry backoff. */
  delayed: number;
  /** Failed every attempt (Bull: still kept in Redis; in-process: since the process started). */
  failed: number;
  /** When the longest-waiting due job was added; null when none waits. */
  oldestWaitingAt: Date | null;
}

/**
 * The one queue interface. `BullJobQueue` (Redis) and `InProcessJobQueue`
 * implement it; one contract test suite runs against both.
 */
export interface JobQueue {
  readonly kind: 'bull' | 'in-process';
  /** Consume jobs of this name in this process. */
  process<T>(name: string, handler: JobHandler<T>): void;
  /**
   * Hand a job over. A job that fails all its attempts is dropped from the
   * queue (and logged); the outbox hands it over again later.
   */
  add<T>(name: string, data: T, options?: AddOptions): Promise<void>;
  /**
   * Repeat a job on a cron schedule (UTC; five fields, or six with seconds first).
   * One schedule per job name: registering it again keeps one, with the latest cron.
   * The queue keeps it registered: after its backend comes back (perhaps empty) and
   * at every check, a schedule found missing is registered again.
   */
  schedule(name: string, cron: string, data?: unknown): Promise<void>;
  /**
   * Called whenever the backend is reachable again after an outage. What it
   * held may be gone (a Redis restarted without its data), so the outbox
   * hands over again the jobs it has not seen completed.
   */
  onReconnect(listener: () => void): void;
  /** What waits, runs and failed, per job name; names never used count as empty. */
  counts(names: string[]): Promise<QueueCounts[]>;
  /** True when the queue's backend answers; false within a few seconds when it does not. */
  ping(): Promise<boolean>;
  /** Stop taking new jobs, wait for running ones, release connections. */
  close(): Promise<void>;
}
