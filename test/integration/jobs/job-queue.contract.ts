import type { JobQueue } from '../../../src/jobs/job-queue';
import { eventually } from '../../support/wait';

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

  it('counts what runs and what waits for its delay, per job name', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    queue.process('contract.held', () => held);
    expect(await queue.counts(['contract.held', 'contract.unused'])).toEqual([
      { name: 'contract.held', waiting: 0, active: 0, delayed: 0, failed: 0, oldestWaitingAt: null },
      { name: 'contract.unused', waiting: 0, active: 0, delayed: 0, failed: 0, oldestWaitingAt: null },
    ]);
    await queue.add('contract.held', {});
    await queue.add('contract.held', {}, { delayMs: 60_000 });
    await eventually(async () => expect(await queue.counts(['contract.held'])).toEqual([expect.objectContaining({ active: 1, delayed: 1, waiting: 0 })]));
    release();
    await eventually(async () => expect(await queue.counts(['contract.held'])).toEqual([expect.objectContaining({ active: 0, delayed: 1 })]));
  });

  it('ignores a second add with the same jobId', async () => {
    const ran: number[] = [];
    queue.process<{ n: number }>('contract.once', async (data) => {
      ran.push(data.n);
    });
    await queue.add('contract.once', { n: 1 }, { jobId: 'outbox:42', delayMs: 200 });
    await queue.add('contract.once', { n: 2 }, { jobId: 'outbox:42', delayMs: 200 });
    await queue.add('contract.once', { n: 3 }, { jobId: 'outbox:43', delayMs: 200 });
    // Due after the others: once it has run, a duplicate would have run before it.
    await queue.add('contract.once', { n: 4 }, { jobId: 'outbox:44', delayMs: 600 });
    await eventually(() => expect(ran).toContain(4), 10_000);
    expect(ran.sort()).toEqual([1, 3, 4]);
  });

  it('runs a delayed job no earlier than its delay', async () => {
    let ranAt = 0;
    queue.process('contract.delayed', async () => {
      ranAt = Date.now();
    });
    const addedAt = Date.now();
    await queue.add('contract.delayed', {}, { delayMs: 700 });
    await eventually(() => expect(ranAt).toBeGreaterThan(0), 5000);
    // A lower bound only: a busy machine can make it later, never earlier.
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
    let witnessed = 0;
    queue.process('contract.rescheduled', async () => {
      fired += 1;
    });
    // A second every-second schedule is the clock: what it sees, the replaced one would have seen too.
    queue.process('contract.witness', async () => {
      witnessed += 1;
    });
    await queue.schedule('contract.rescheduled', '* * * * * *');
    await eventually(() => expect(fired).toBeGreaterThanOrEqual(1), 5000, 50);
    await queue.schedule('contract.rescheduled', '0 0 1 1 *');
    const afterReplacing = fired;
    await queue.schedule('contract.witness', '* * * * * *');
    await eventually(() => expect(witnessed).toBeGreaterThanOrEqual(3), 10_000, 50);
    // At most the one tick already queued ahead (Bull adds the next run in advance) still lands.
    expect(fired - afterReplacing).toBeLessThanOrEqual(1);
  });

  it('refuses a malformed cron expression', async () => {
    await expect(queue.schedule('contract.bad-cron', 'every tuesday')).rejects.toThrow();
  });

  it('waits for a running job when closed', async () => {
    let started = false;
    let finished = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue.process('contract.slow', async () => {
      started = true;
      await gate;
      finished = true;
    });
    await queue.add('contract.slow', {});
    await eventually(() => expect(started).toBe(true));
    let closed = false;
    const closing = queue.close().then(() => {
      closed = true;
    });
    // Let close() run as far as it can on its own: it must still be waiting for the job.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
  });
}
