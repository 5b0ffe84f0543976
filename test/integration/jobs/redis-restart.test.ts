import { createServer, type Server } from 'node:http';
import Bull from 'bull';
import Redis from 'ioredis';
import { createApp } from '../../../src/app';
import type { Deps } from '../../../src/deps';
import { BullJobQueue } from '../../../src/jobs/bull-job-queue';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import { startJobs, type RunningJobs } from '../../../src/jobs/start-jobs';
import { MemberStats } from '../../../src/members/member-stats.entity';
import { composeModules } from '../../../src/module';
import { modules } from '../../../src/modules';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { freePort, startProcess, stopProcess, type Proc } from '../../support/processes';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, type Enrolled } from '../pos/till-helpers';
import { eventually } from '../../support/wait';

const MEMBERS = 30;
const moduleJobs = modules.flatMap((m) => [...(m.jobs ?? [])]);
const scheduled = moduleJobs.filter((j) => j.schedule).map((j) => j.name);
const consumed = [...moduleJobs.filter((j) => !j.schedule).map((j) => j.name), DISPATCH_EVENT_JOB];

/** A Redis of the test's own that keeps nothing on disk: a restart comes back empty. */
async function startRedis(port: number): Promise<Proc> {
  const proc = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { cwd: '/tmp', env: { PATH: process.env.PATH } });
  await eventually(async () => {
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      expect(await probe.ping()).toBe('PONG');
    } finally {
      probe.disconnect();
    }
  }, 15_000, 50);
  return proc;
}

/** Runs `fn` for every item, `width` at a time. */
async function inWaves<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/**
 * Redis restarts without its data in the middle of a burst of sales: the jobs
 * it held are handed over again from the outbox, the worker's schedules come
 * back, and the api kept selling (and stayed ready) throughout.
 */
describeEachDb('a Redis that comes back empty mid-burst', (rt) => {
  let redis: Proc | undefined;
  let port: number;
  let url: string;
  const prefix = 'tally-restart';
  let apiQueue: BullJobQueue;
  let workerQueue: BullJobQueue;
  let apiJobs: RunningJobs | undefined;
  let workerJobs: RunningJobs | undefined;
  let server: Server | undefined;
  let shop: MerchantFixture;
  let members: Enrolled[];
  let paused: Bull.Queue[] = [];

  beforeAll(async () => {
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = await startRedis(port);
    const { config, db, log } = rt();
    // Two processes' worth of wiring on one database: an api (relays, never consumes) and a worker.
    const api: Deps = { config, db, log, queue: (apiQueue = new BullJobQueue(url, log, { prefix, scheduleCheckMs: 500 })) };
    const worker: Deps = { config, db, log, queue: (workerQueue = new BullJobQueue(url, log, { prefix, scheduleCheckMs: 500 })) };
    const apiModules = composeModules(api, modules);
    // A long redelivery deadline: what brings the lost jobs back here is the reconnect, not the deadline.
    const relay = { busyIntervalMs: 20, idleIntervalMs: 100, redeliverAfterMs: 10 * 60_000 };
    apiJobs = await startJobs({ ...api, ...apiModules }, { consume: false, relay });
    workerJobs = await startJobs({ ...worker, ...composeModules(worker, modules) }, { consume: true, relay });
    server = await new Promise<Server>((resolve) => {
      const s = createServer(createApp({ ...api, ...apiModules })).listen(0, '127.0.0.1', () => resolve(s));
    });
    shop = await createMerchantFixture(rt());
    members = [];
    for (let i = 0; i < MEMBERS; i++) members.push(await enrol(server, shop, `Member${i}`));
  });

  afterAll(async () => {
    await Promise.all(paused.map((q) => q.close()));
    await apiJobs?.stop();
    await workerJobs?.stop();
    await apiQueue?.close();
    await workerQueue?.close();
    await closeServer(server);
    if (redis) await stopProcess(redis);
  });

  const sell = (member: Enrolled) => async () => {
    const res = await commit(server!, shop, { memberId: member.memberId, lines: [line('MILK', 'dairy', 1000, 250)] });
    expect(res.status).toBe(201);
  };

  async function repeatables(): Promise<string[]> {
    const found: string[] = [];
    for (const name of scheduled) {
      const q = new Bull(name, { prefix, redis: { port, host: '127.0.0.1' } });
      try {
        if ((await q.getRepeatableJobs()).length) found.push(name);
      } finally {
        await q.close();
      }
    }
    return found;
  }

  it('loses no member-stats refresh and no schedule; sales and api readiness go on during the outage', async () => {
    expect((await repeatables()).sort()).toEqual([...scheduled].sort());

    // The worker falls behind: its queues are paused, so the first half of the burst waits in Redis.
    paused = consumed.map((name) => new Bull(name, { prefix, redis: { port, host: '127.0.0.1' } }));
    await Promise.all(paused.map((q) => q.pause()));
    await inWaves(members, 10, (m) => sell(m)());
    await inWaves(members, 10, (m) => sell(m)());
    const waiting = await eventually(async () => {
      const rows = await rt().db.manager.find(OutboxEntry);
      expect(rows.length).toBeGreaterThanOrEqual(2 * MEMBERS);
      expect(rows.filter((r) => r.relayedAt === null)).toEqual([]);
      return rows;
    }, 20_000, 50);
    expect(waiting.filter((r) => r.completedAt === null).length).toBeGreaterThanOrEqual(2 * MEMBERS);
    await Promise.all(paused.map((q) => q.close()));
    paused = [];

    // Redis dies with everything it held.
    await stopProcess(redis!);
    redis = undefined;

    // The till keeps selling, and the api stays in the load balancer.
    await inWaves(members, 10, (m) => sell(m)());
    const ready = await fetch(`http://127.0.0.1:${(server!.address() as { port: number }).port}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'degraded', checks: { database: 'ok', migrations: 'ok', redis: 'unreachable' } } });

    // Redis comes back on the same port with nothing in it.
    redis = await startRedis(port);

    // Every schedule is back, and every refresh recorded with a sale has run.
    await eventually(async () => expect((await repeatables()).sort()).toEqual([...scheduled].sort()), 20_000, 200);
    await eventually(async () => {
      const owed = await rt().db.manager.createQueryBuilder(OutboxEntry, 'o').where('o.completedAt IS NULL').getCount();
      expect(owed).toBe(0);
    }, 60_000, 200);
    const stats = await rt().db.manager.find(MemberStats, { where: { merchantId: shop.merchant.id } });
    expect(stats.map((s) => ({ member: s.memberId, visits: s.visits, spendMinor: s.spendMinor })).sort((a, b) => a.member.localeCompare(b.member))).toEqual(
      members.map((m) => ({ member: m.memberId, visits: 3, spendMinor: 3 * 250 })).sort((a, b) => a.member.localeCompare(b.member)),
    );
  }, 180_000);
});

