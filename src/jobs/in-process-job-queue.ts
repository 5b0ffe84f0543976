import { parseExpression } from 'cron-parser';
import type { Logger } from '../logger';
import type { AddOptions, JobHandler, JobQueue, QueueCounts } from './job-queue';

const ATTEMPTS = 3;
/** setTimeout overflows above 2^31-1 ms (~24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs jobs in this process, for the embedded single-shop mode. Same contract
 * as Bull: retries with backoff, jobId de-duplication while a job is pending,
 * cron schedules in UTC (parsed by cron-parser, as Bull does).
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pendingIds = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** One timer per scheduled job name, so registering a schedule again replaces it. */
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private closed = false;
  /** Per job name: when each job not yet started was added and is due, what runs, what failed for good. */
  private readonly queued = new Map<string, Set<{ addedAt: number; dueAt: number }>>();
  private readonly active = new Map<string, number>();
  private readonly failed = new Map<string, number>();

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
    this.later(name, options.delayMs ?? 0, () => this.run(name, data, 1, options.jobId));
  }

  async schedule(name: string, cron: string, data: unknown = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    parseExpression(cron, { tz: 'UTC' }); // a bad expression fails here, at registration
    clearTimeout(this.schedules.get(name));
    this.arm(name, cron, data);
  }

  /** Nothing to reconnect to: its jobs live and die with the process. */
  onReconnect(): void {}

  async counts(names: string[]): Promise<QueueCounts[]> {
    const now = Date.now();
    return names.map((name) => {
      const jobs = [...(this.queued.get(name) ?? [])];
      const due = jobs.filter((j) => j.dueAt <= now);
      const oldest = due.length ? Math.min(...due.map((j) => j.addedAt)) : null;
      return { name, waiting: due.length, active: this.active.get(name) ?? 0, delayed: jobs.length - due.length, failed: this.failed.get(name) ?? 0, oldestWaitingAt: oldest === null ? null : new Date(oldest) };
    });
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Memory is all an in-process queue has: say what a stop throws away.
    // (Outbox work among them is not lost: its rows are handed over again after the next start.)
    if (this.timers.size) this.log.warn({ jobs: this.timers.size }, 'closing with delayed jobs or retries waiting; they are dropped');
    for (const t of [...this.timers, ...this.schedules.values()]) clearTimeout(t);
    this.timers.clear();
    this.schedules.clear();
    await Promise.allSettled([...this.running]);
  }

  private arm(name: string, cron: string, data: unknown): void {
    const due = parseExpression(cron, { tz: 'UTC', currentDate: new Date() }).next().getTime();
    const timer = setTimeout(
      () => {
        // A timer may fire a little early, or be one step of a long wait: only run once due.
        if (Date.now() >= due) this.track(this.run(name, data, 1));
        if (!this.closed) this.arm(name, cron, data);
      },
      Math.min(Math.max(due - Date.now(), 0), MAX_TIMER_MS),
    );
    this.schedules.set(name, timer);
  }

  private later(name: string, delayMs: number, fn: () => Promise<void>): void {
    const entry = { addedAt: Date.now(), dueAt: Date.now() + delayMs };
    const queued = this.queued.get(name) ?? new Set();
    this.queued.set(name, queued.add(entry));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      queued.delete(entry);
      this.track(fn());
    }, delayMs);
    this.timers.add(timer);
  }

  /** close() waits for every tracked run. */
  private track(run: Promise<void>): void {
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async run(name: string, data: unknown, attempt: number, jobId?: string): Promise<void> {
    const handler = this.handlers.get(name);
    this.active.set(name, (this.active.get(name) ?? 0) + 1);
    try {
      if (!handler) throw new Error(`no handler for job ${name}`);
      await handler(data, { id: jobId });
      if (jobId) this.pendingIds.delete(`${name}:${jobId}`);
    } catch (err) {
      if (attempt < ATTEMPTS && !this.closed) {
        this.log.warn({ err, job: name, attempt }, 'job failed; retrying');
        this.later(name, 100 * 2 ** attempt, () => this.run(name, data, attempt + 1, jobId));
      } else {
        if (jobId) this.pendingIds.delete(`${name}:${jobId}`);
        this.failed.set(name, (this.failed.get(name) ?? 0) + 1);
        this.log.error({ err, job: name, attempt }, 'job failed for good');
      }
    } finally {
      this.active.set(name, (this.active.get(name) ?? 1) - 1);
    }
  }
}
