import { randomBytes } from 'node:crypto';
import { BullJobQueue } from '../../../src/jobs/bull-job-queue';
import { createLogger } from '../../../src/logger';
import { redisAvailable, TEST_REDIS_URL } from '../../support/services';
import { deleteRedisKeys } from '../../support/redis';
import { jobQueueContract } from './job-queue.contract';

const log = createLogger('silent');
// Global setup fails the run under CI=true when Redis is missing; elsewhere it prints why this is skipped.
const describeRedis = redisAvailable() ? describe : describe.skip;

describeRedis('BullJobQueue (Redis)', () => {
  const prefix = `tally-test-${randomBytes(6).toString('hex')}`;
  afterAll(() => deleteRedisKeys(prefix));

  jobQueueContract(() => new BullJobQueue(TEST_REDIS_URL, log, { prefix }));

  it('reports an unreachable Redis quickly instead of hanging', async () => {
    const queue = new BullJobQueue('redis://127.0.0.1:1', log, { prefix, readyTimeoutMs: 300 });
    try {
      // Hanging instead would run into this test's own timeout.
      expect(await queue.ping()).toBe(false);
      await expect(queue.add('contract.echo', {})).rejects.toThrow(/redis unreachable/);
    } finally {
      await queue.close();
    }
  }, 5000);
});
