import type { Logger } from '../logger';
import type { AddOptions, JobHandler, JobQueue } from './job-queue';

const ATTEMPTS = 3;

/**
 * Runs jobs in this process, for the embedded single-shop mode. Same contract
 * as Bull: retries with backoff, jobId de-duplication while a job is pending.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pendingIds = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly log: Logger) {}

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async add<T>(name: string, data: T, options: AddOptions = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    if (options.jobId) {
      const key = `${name}:${options.jobId}`;
      if (this.pendingIds.has(key)) return;
      this.pendingIds.add(key);
    }
    this.later(options.delayMs ?? 0, () => this.run(name, data, 1, options.jobId));
  }

  async schedule(): Promise<void> {
    throw new Error('not yet');
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private later(delayMs: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = fn().finally(() => this.running.delete(run));
      this.running.add(run);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(name: string, data: unknown, attempt: number, jobId?: string): Promise<void> {
    const handler = this.handlers.get(name);
    try {
      if (!handler) throw new Error(`no handler for job ${name}`);
      await handler(data);
      if (jobId) this.pendingIds.delete(`${name}:${jobId}`);
    } catch (err) {
      if (attempt < ATTEMPTS && !this.closed) {
        this.log.warn({ err, job: name, attempt }, 'job failed; retrying');
        this.later(100 * 2 ** attempt, () => this.run(name, data, attempt + 1, jobId));
      } else {
        if (jobId) this.pendingIds.delete(`${name}:${jobId}`);
        this.log.error({ err, job: name, attempt }, 'job failed for good');
      }
    }
  }
}
