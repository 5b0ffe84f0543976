import Bull from 'bull';
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { AddOptions, JobHandler, JobQueue } from './job-queue';

/** How long add/schedule/ping wait for a Redis connection before giving up. */
const READY_TIMEOUT_MS = 2000;
/** Upper bound for one Redis round trip (add, schedule, ping) once connected. */
const COMMAND_TIMEOUT_MS = 5000;
const CONCURRENCY = 4;

/**
 * Jobs through Redis with Bull: one Bull queue per job name, so a process only
 * receives the jobs it registered handlers for. The only file that imports bull.
 *
 * Bull's connections retry forever and queue commands while Redis is away;
 * that is right for its own processing loop, but a caller of add() or ping()
 * must hear "Redis is down" quickly (the outbox relay then keeps the row for
 * later, /readyz answers 503), so those calls wait for a connection only for
 * a bounded time.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bull' as const;
  private readonly queues = new Map<string, Bull.Queue>();
  private readonly client: Redis;
  private readonly subscriber: Redis;
  /** Bull opens one blocking connection per consumed queue; it does not close connections it got from createClient. */
  private readonly blocking = new Set<Redis>();

  constructor(
    private readonly redisUrl: string,
    private readonly log: Logger,
    /** Redis key prefix; tests and tenants of a shared Redis use their own. */
    private readonly prefix = 'tally',
    private readonly readyTimeoutMs = READY_TIMEOUT_MS,
  ) {
    this.client = this.connect('client');
    this.subscriber = this.connect('subscriber');
    // Every Bull queue adds its own listeners to the two shared connections: one per job name, by design.
    this.client.setMaxListeners(0);
    this.subscriber.setMaxListeners(0);
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    // The promise settles only when the queue closes; a failure is already logged through 'error'.
    this.queue(name)
      .process(CONCURRENCY, async (job) => handler(job.data as T))
      .catch(() => undefined);
  }

  async add<T>(name: string, data: T, options: AddOptions = {}): Promise<void> {
    await this.whenConnected();
    await withTimeout(
      this.queue(name).add(data, {
        jobId: options.jobId,
        delay: options.delayMs,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        // Completed jobs are kept for a while so a second add with the same jobId (a relay that
        // crashed before marking its row) is recognised and ignored.
        removeOnComplete: 1000,
        removeOnFail: 5000,
      }),
      COMMAND_TIMEOUT_MS,
      `adding job ${name}`,
    );
  }

  /**
   * One schedule per job name: a repeatable job with another cron (from an
   * earlier release) is removed, so changing a cron does not leave the old one firing.
   */
  async schedule(name: string, cron: string, data: unknown = {}): Promise<void> {
    await this.whenConnected();
    const queue = this.queue(name);
    const register = async () => {
      for (const repeatable of await queue.getRepeatableJobs()) {
        if (repeatable.cron !== cron || repeatable.tz !== 'UTC') await queue.removeRepeatableByKey(repeatable.key);
      }
      await queue.add(data, { repeat: { cron, tz: 'UTC' }, jobId: `schedule:${name}`, removeOnComplete: 100, removeOnFail: 1000 });
    };
    await withTimeout(register(), COMMAND_TIMEOUT_MS, `scheduling job ${name}`);
  }

  async ping(): Promise<boolean> {
    try {
      await this.whenConnected();
      return (await withTimeout(this.client.ping(), COMMAND_TIMEOUT_MS, 'ping')) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Bull's close waits for the jobs this process is running.
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.all([this.client, this.subscriber, ...this.blocking].map(closeConnection));
  }

  private queue(name: string): Bull.Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Bull(name, {
        prefix: this.prefix,
        createClient: (type) => {
          if (type === 'client') return this.client;
          if (type === 'subscriber') return this.subscriber;
          const conn = this.connect('blocking');
          this.blocking.add(conn);
          return conn;
        },
      });
      q.on('failed', (job, err) => this.log.warn({ job: name, id: job.id, attempt: job.attemptsMade, err: err.message }, 'job failed'));
      this.queues.set(name, q);
    }
    return q;
  }

  private connect(role: string): Redis {
    // Bull requires the first two options on connections it shares (it blocks on its own bclient).
    // ioredis keeps a disconnect timer of this length even for a socket that is already gone
    // (Redis down), which would hold a stopping process open; half a second is plenty to flush.
    const conn = new Redis(this.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false, disconnectTimeout: 500 });
    // Log a lost connection once, not on every reconnect attempt.
    let down = false;
    conn.on('error', (err: Error) => {
      if (down) return;
      down = true;
      this.log.warn({ role, err: err.message }, 'redis connection error; retrying');
    });
    conn.on('ready', () => {
      if (down) this.log.info({ role }, 'redis connection restored');
      down = false;
    });
    return conn;
  }

  private whenConnected(): Promise<void> {
    const conn = this.client;
    if (conn.status === 'ready') return Promise.resolve();
    if (conn.status === 'end') return Promise.reject(new Error('redis connection is closed'));
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        conn.off('ready', onReady);
        reject(new Error(`redis unreachable (${conn.status}) at ${redactUrl(this.redisUrl)}`));
      }, this.readyTimeoutMs);
      conn.once('ready', onReady);
    });
  }
}

/** Disconnects and waits until the socket is gone, so a stopping process has nothing left open. */
function closeConnection(conn: Redis): Promise<void> {
  if (conn.status === 'end') return Promise.resolve();
  if (conn.status === 'reconnecting') {
    // No socket to wait for (and ioredis emits no 'end' for it): just stop the retries.
    conn.disconnect();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, 1000);
    conn.once('end', done);
    conn.disconnect();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Keeps passwords out of error messages that reach logs and the outbox's last_error. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}
