import type { JobQueue } from '../../../src/jobs/job-queue';
import { eventually, sleep } from './helpers';

/**
 * What every JobQueue implementation promises. Each test gets a fresh queue
 * from `open` and closes it, so handlers and schedules never leak between tests.
 */
export function jobQueueContract(open: () => JobQueue): void {
  let queue: JobQueue;
  beforeEach(() => {
    queue = open();
  });
  afterEach(async () => {
    await queue.close();
  });

  it('runs an added job with its data', async () => {
    const seen: unknown[] = [];
    queue.process<{ memberId: string; points: number }>('contract.echo', async (data) => {
      seen.push(data);
    });
    await queue.add('contract.echo', { memberId: 'm-1', points: 120 });
    await eventually(() => expect(seen).toEqual([{ memberId: 'm-1', points: 120 }]));
    expect(await queue.ping()).toBe(true);
  });

  it('retries a job that failed', async () => {
    let calls = 0;
    let done = false;
    queue.process('contract.flaky', async () => {
      calls += 1;
      if (calls === 1) throw new Error('first try fails');
      done = true;
    });
    await queue.add('contract.flaky', {});
    await eventually(() => expect(done).toBe(true));
    expect(calls).toBe(2);
  });

  it('ignores a second add with the same jobId', async () => {
    let calls = 0;
    queue.process('contract.once', async () => {
      calls += 1;
    });
    await queue.add('contract.once', { n: 1 }, { jobId: 'outbox:42', delayMs: 200 });
    await queue.add('contract.once', { n: 2 }, { jobId: 'outbox:42', delayMs: 200 });
    await queue.add('contract.once', { n: 3 }, { jobId: 'outbox:43', delayMs: 200 });
    await eventually(() => expect(calls).toBe(2));
    await sleep(300);
    expect(calls).toBe(2);
  });

  it('runs a delayed job no earlier than its delay', async () => {
    let ranAt = 0;
    queue.process('contract.delayed', async () => {
      ranAt = Date.now();
    });
    const addedAt = Date.now();
    await queue.add('contract.delayed', {}, { delayMs: 700 });
    await sleep(300);
    expect(ranAt).toBe(0);
    await eventually(() => expect(ranAt).toBeGreaterThan(0), 5000);
    expect(ranAt - addedAt).toBeGreaterThanOrEqual(650);
  });

  it('fires a schedule on its cron, once per tick even when registered twice', async () => {
    const fired: number[] = [];
    queue.process<{ kind: string }>('contract.tick', async (data) => {
      expect(data).toEqual({ kind: 'tick' });
      fired.push(Date.now());
    });
    const registeredAt = Date.now();
    await queue.schedule('contract.tick', '* * * * * *', { kind: 'tick' });
    await queue.schedule('contract.tick', '* * * * * *', { kind: 'tick' });
    await eventually(() => expect(fired.length).toBeGreaterThanOrEqual(3), 8000, 50);
    // Two live schedules would fire about twice per second.
    const ticks = Math.ceil((Date.now() - registeredAt) / 1000);
    expect(fired.length).toBeLessThanOrEqual(ticks + 1);
  });

  it('replaces a schedule registered again with another cron', async () => {
    let fired = 0;
    queue.process('contract.rescheduled', async () => {
      fired += 1;
    });
    await queue.schedule('contract.rescheduled', '* * * * * *');
    await eventually(() => expect(fired).toBeGreaterThanOrEqual(1), 5000, 50);
    await queue.schedule('contract.rescheduled', '0 0 1 1 *');
    await sleep(1200); // the next tick may already be queued (Bull adds it ahead) and still lands
    const afterReplacing = fired;
    await sleep(2200);
    expect(fired).toBe(afterReplacing);
  });

  it('refuses a malformed cron expression', async () => {
    await expect(queue.schedule('contract.bad-cron', 'every tuesday')).rejects.toThrow();
  });

  it('waits for a running job when closed', async () => {
    let started = false;
    let finished = false;
    queue.process('contract.slow', async () => {
      started = true;
      await sleep(600);
      finished = true;
    });
    await queue.add('contract.slow', {});
    await eventually(() => expect(started).toBe(true));
    await queue.close();
    expect(finished).toBe(true);
  });
}
