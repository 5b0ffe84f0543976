import Redis from 'ioredis';
import { RateCounter } from '../../../src/rate-limits/rate-counter.entity';
import { RateLimitsService } from '../../../src/rate-limits/rate-limits.service';
import { SharedCounters } from '../../../src/shared-counters';
import { TEST_REDIS_URL } from '../../support/services';
import { describeEachDb } from '../../support/test-runtime';

// The SQLite leg counts in the database; the MySQL leg runs with Redis, as production does, and counts there.

describeEachDb('rate limit counters', (rt) => {
  const limit = { name: 'test.limit', limit: 3, windowSeconds: 60 };
  const now = new Date('2026-03-02T10:00:10Z');

  it('allows up to the limit per window and subject, and flags the first hit over it once', async () => {
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await rt().services.rateLimits.hit(limit, 'subject-a', now));
    expect(hits.map((h) => [h.hits, h.allowed, h.firstOver])).toEqual([
      [1, true, false],
      [2, true, false],
      [3, true, false],
      [4, false, true],
      [5, false, false],
    ]);
    expect(hits[4].retryAfterSeconds).toBe(50);
    expect((await rt().services.rateLimits.hit(limit, 'subject-b', now)).hits).toBe(1);
    expect((await rt().services.rateLimits.hit(limit, 'subject-a', new Date('2026-03-02T10:01:00Z'))).hits).toBe(1);
  });

  it('counts parallel hits exactly, in the store every process shares', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => rt().services.rateLimits.hit(limit, 'parallel', now)));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('keeps no subject in clear and prunes windows that are over', async () => {
    await rt().services.rateLimits.hit(limit, '+4915112345678', now);
    const rows = await rt().db.manager.find(RateCounter);
    const counters = rt().counters;
    if (counters) {
      // Counted in Redis: nothing in the table, and the key names no phone number.
      expect(rows).toHaveLength(0);
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${counters.prefix}:counters:*`);
      await redis.quit();
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((k) => k.includes('4915112345678'))).toBe(false);
      return;
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.key.includes('4915112345678'))).toBe(false);
    expect(await rt().services.rateLimits.prune(new Date('2026-03-02T10:03:00Z'))).toBe(rows.length);
  });

  it('counts in the database while Redis does not answer, and refuses over the limit all the same', async () => {
    // Nothing listens on port 1: every Redis call fails at once.
    const unreachable = new SharedCounters('redis://127.0.0.1:1', 'tally-test-down');
    const rateLimits = new RateLimitsService({ ...rt(), counters: unreachable });
    try {
      const hits = [];
      for (let i = 0; i < 4; i++) hits.push(await rateLimits.hit(limit, 'while-redis-is-down', now));
      expect(hits.map((h) => [h.hits, h.allowed])).toEqual([
        [1, true],
        [2, true],
        [3, true],
        [4, false],
      ]);
      expect(await rt().db.manager.count(RateCounter)).toBeGreaterThan(0);
    } finally {
      await unreachable.close();
    }
  });
});
