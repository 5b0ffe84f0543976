import Bull from 'bull';
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { AddOptions, JobHandler, JobQueue } from './job-queue';

/**
 * Jobs through Redis with Bull: one Bull queue per job name, so a process only
 * receives the jobs it registered handlers for. The only file that imports bull.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bull' as const;
  private readonly queues = new Map<string, Bull.Queue>();
  private readonly client: Redis;
  private readonly subscriber: Redis;

  constructor(
    private readonly redisUrl: string,
    private readonly log: Logger,
    /** Redis key prefix; tests and tenants of a shared Redis use their own. */
    private readonly prefix = 'tally',
  ) {
    // Bull needs these two options on shared connections (it blocks on its own bclient).
    const options = { maxRetriesPerRequest: null, enableReadyCheck: false, lazyConnect: false };
    this.client = new Redis(redisUrl, options);
    this.subscriber = new Redis(redisUrl, options);
    for (const conn of [this.client, this.subscriber]) conn.on('error', (err) => this.log.warn({ err: err.message }, 'redis connection error'));
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.queue(name).process(4, async (job) => handler(job.data as T));
  }

  async add<T>(name: string, data: T, options: AddOptions = {}): Promise<void> {
    await this.queue(name).add(data, {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  }

  async schedule(name: string, cron: string, data: unknown = {}): Promise<void> {
    await this.queue(name).add(data, { repeat: { cron, tz: 'UTC' }, jobId: `schedule:${name}`, removeOnComplete: 100, removeOnFail: 1000 });
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private queue(name: string): Bull.Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Bull(name, {
        prefix: this.prefix,
        createClient: (type, opts) => {
          if (type === 'client') return this.client;
          if (type === 'subscriber') return this.subscriber;
          return new Redis(this.redisUrl, { ...opts, maxRetriesPerRequest: null, enableReadyCheck: false });
        },
      });
      q.on('failed', (job, err) => this.log.warn({ job: name, id: job.id, attempt: job.attemptsMade, err: err.message }, 'job failed'));
      this.queues.set(name, q);
    }
    return q;
  }
}
