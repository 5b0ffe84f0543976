import { RateCounter } from '../../../src/rate-limits/rate-counter.entity';
import { describeEachDb } from '../../support/test-runtime';

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

  it('counts parallel hits exactly, in the database every process shares', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => rt().services.rateLimits.hit(limit, 'parallel', now)));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('keeps no subject in clear and prunes windows that are over', async () => {
    await rt().services.rateLimits.hit(limit, '+4915112345678', now);
    const rows = await rt().db.manager.find(RateCounter);
    expect(rows.some((r) => r.key.includes('4915112345678'))).toBe(false);
    expect(await rt().services.rateLimits.prune(new Date('2026-03-02T10:03:00Z'))).toBe(rows.length);
  });
});
