import Bull from 'bull';
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { AddOptions, JobHandler, JobQueue, QueueCounts } from './job-queue';

/** How long add/schedule/ping wait for a Redis connection before giving up. */
const READY_TIMEOUT_MS = 2000;
/** How often this process checks that the schedules it registered are still in Redis. */
const SCHEDULE_CHECK_MS = 60_000;
const ATTEMPTS = 5;
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
 * later, /readyz reports it), so those calls wait for a connection only for
 * a bounded time.
 *
 * Redis may come back without its data. Jobs handed over through the outbox
 * are then handed over again (see `onReconnect` and OutboxRelay); schedules
 * are registered again by the process that registered them, right after the
 * reconnect and at every periodic check, with a warning naming each one
 * that was missing.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bull' as const;
  private readonly queues = new Map<string, Bull.Queue>();
  private readonly client: Redis;
  private readonly subscriber: Redis;
  /** Bull opens one blocking connection per consumed queue; it does not close connections it got from createClient. */
  private readonly blocking = new Set<Redis>();
  /** The schedules this process registered, to put back when Redis has lost them. */
  private readonly schedules = new Map<string, { cron: string; data: unknown }>();
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly prefix: string;
  private readonly readyTimeoutMs: number;
  private readonly scheduleCheck: NodeJS.Timeout;
  private checking: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly redisUrl: string,
    private readonly log: Logger,
    options: {
      /** Redis key prefix; tests and tenants of a shared Redis use their own. */
      prefix?: string;
      readyTimeoutMs?: number;
      scheduleCheckMs?: number;
    } = {},
  ) {
    this.prefix = options.prefix ?? 'tally';
    this.readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    this.client = this.connect('client', () => this.reconnected());
    this.subscriber = this.connect('subscriber');
    // Every Bull queue adds its own listeners to the two shared connections: one per job name, by design.
    this.client.setMaxListeners(0);
    this.subscriber.setMaxListeners(0);
    this.scheduleCheck = setInterval(() => void this.checkSchedules(), options.scheduleCheckMs ?? SCHEDULE_CHECK_MS);
    this.scheduleCheck.unref();
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    // The promise settles only when the queue closes; a failure is already logged through 'error'.
    this.queue(name)
      .process(CONCURRENCY, async (job) => handler(job.data as T, { id: job.id === undefined ? undefined : String(job.id) }))
      .catch(() => undefined);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async add<T>(name: string, data: T, options: AddOptions = {}): Promise<void> {
    await this.whenConnected();
    await withTimeout(
      this.queue(name).add(data, {
        jobId: options.jobId,
        delay: options.delayMs,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: 500 },
        // Completed jobs are kept for a while so a second add with the same jobId is recognised and ignored.
        removeOnComplete: 1000,
        // A job that failed every attempt leaves Redis: a failed job kept under its jobId would make
        // the outbox's next hand-over of the same row a no-op, and the work would never be retried.
        removeOnFail: true,
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
        if (!isSchedule(repeatable, name, cron)) await queue.removeRepeatableByKey(repeatable.key);
      }
      await queue.add(data, { repeat: { cron, tz: 'UTC' }, jobId: scheduleJobId(name), removeOnComplete: 100, removeOnFail: 1000 });
    };
    await withTimeout(register(), COMMAND_TIMEOUT_MS, `scheduling job ${name}`);
    this.schedules.set(name, { cron, data });
  }

  /**
   * Registers again every schedule of this process that Redis no longer has
   * (it restarted empty, or someone deleted the keys). Returns their names.
   */
  private async restoreSchedules(): Promise<string[]> {
    await this.whenConnected();
    const missing: string[] = [];
    for (const [name, { cron, data }] of this.schedules) {
      const present = await withTimeout(this.queue(name).getRepeatableJobs(), COMMAND_TIMEOUT_MS, `reading schedule ${name}`);
      if (present.some((r) => isSchedule(r, name, cron))) continue;
      missing.push(name);
      await this.schedule(name, cron, data);
    }
    if (missing.length) this.log.warn({ schedules: missing }, 'schedules were missing from Redis (it lost its data?); registered them again');
    return missing;
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
    this.closed = true;
    clearInterval(this.scheduleCheck);
    await this.checking;
    // Bull's close waits for the jobs this process is running.
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.all([this.client, this.subscriber, ...this.blocking].map(closeConnection));
  }

  async counts(names: string[]): Promise<QueueCounts[]> {
    const read = async (name: string): Promise<QueueCounts> => {
      const q = this.queue(name);
      const [counts, [oldest]] = await Promise.all([q.getJobCounts(), q.getJobs(['waiting'], 0, 0, true)]);
      return { name, waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed, oldestWaitingAt: oldest ? new Date(oldest.timestamp) : null };
    };
    return withTimeout(Promise.all(names.map(read)), COMMAND_TIMEOUT_MS, 'reading queue counts');
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
      q.on('failed', (job, err) => {
        const final = job.attemptsMade >= (job.opts.attempts ?? 1);
        const fields = { job: name, id: job.id, attempt: job.attemptsMade, err: err.message };
        if (final) this.log.error(fields, 'job failed for good');
        else this.log.warn(fields, 'job failed; retrying');
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /** After an outage: schedules first (they are this queue's own), then whoever hands jobs over. */
  private reconnected(): void {
    void this.checkSchedules();
    for (const listener of this.reconnectListeners) listener();
  }

  /** One check at a time; a failure (Redis down again) waits for the next reconnect or interval. */
  private checkSchedules(): Promise<void> {
    if (this.closed || this.schedules.size === 0) return Promise.resolve();
    this.checking ??= this.restoreSchedules()
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not check the schedules in Redis; trying again later'))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private connect(role: string, onRestored?: () => void): Redis {
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
    // Any 'ready' after the first is a reconnect, even one so quick that no error was seen.
    let connectedBefore = false;
    conn.on('ready', () => {
      if (down) this.log.info({ role }, 'redis connection restored');
      down = false;
      if (connectedBefore) onRestored?.();
      connectedBefore = true;
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

/**
 * The jobId of a schedule. No ':' in it: Bull splits a repeatable's key on
 * ':' to report its id, tz and cron, and an id with one (as earlier releases
 * used) comes back garbled, so it never matches and is replaced.
 */
function scheduleJobId(name: string): string {
  return `schedule.${name}`;
}

function isSchedule(repeatable: Bull.JobInformation, name: string, cron: string): boolean {
  return repeatable.id === scheduleJobId(name) && repeatable.cron === cron && repeatable.tz === 'UTC';
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
