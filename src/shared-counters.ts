import Redis from 'ioredis';

/**
 * Counters in Redis that every api process shares: what the abuse limits
 * count on every till lookup and sale when Redis is configured, one round trip
 * and no database commit per hit. A failing call throws at once (no offline
 * queue, one try), so the caller can count in the database instead of
 * holding the till.
 */
export class SharedCounters {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly prefix: string,
  ) {
    this.redis = new Redis(url, { keyPrefix: `${prefix}:counters:`, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Failures are answered per call; without a listener ioredis reports each reconnect attempt as unhandled.
    this.redis.on('error', () => undefined);
  }

  /**
   * Waits (at most `timeoutMs`) for the first connection, so a process that
   * has just started counts in Redis from its first request; false when Redis
   * did not answer in time (the database counts until it does).
   */
  async connected(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const onReady = () => finish(true);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      this.redis.once('ready', onReady);
    });
  }

  /** Adds one to the counter and gives its new value; the counter disappears `ttlMs` after its last hit. */
  async increment(key: string, ttlMs: number): Promise<number> {
    const replies = await this.redis.multi().incr(key).pexpire(key, Math.max(1, ttlMs)).exec();
    const [err, count] = replies?.[0] ?? [new Error('no reply from Redis')];
    if (err) throw err;
    return Number(count);
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
