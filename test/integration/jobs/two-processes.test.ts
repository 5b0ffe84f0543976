import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { createDataSource } from '../../../src/db/data-source';
import { enqueueInTransaction } from '../../../src/jobs/outbox';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { outboxPruneJob } from '../../../src/jobs/outbox.jobs';
import { mysqlAvailable, redisAvailable, TEST_MYSQL_URL, TEST_REDIS_URL } from '../../support/services';
import { freePort, whileRunning, type Proc } from '../../support/processes';
import { createTestDatabase } from '../../support/test-runtime';
import { deleteRedisKeys } from '../../support/redis';
import { eventually } from '../../support/wait';

const ROOT = resolve(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const DAY_MS = 24 * 60 * 60_000;

// Global setup fails the run under CI=true when MySQL or Redis is missing; elsewhere it prints why this is skipped.
const describeServices = mysqlAvailable() && redisAvailable() ? describe : describe.skip;

function start(script: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(TSX, [script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** SIGTERM, then the exit code within 10 s (null if it had to be killed). */
async function stop(proc: Proc): Promise<number | null | 'timeout'> {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), 10_000)));
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') proc.child.kill('SIGKILL');
  return result;
}

describeServices('api and worker as two real processes (MySQL + Redis)', () => {
  const tag = randomBytes(6).toString('hex');
  const prefix = `tally-test-${tag}`;
  let databaseUrl: string;
  let dataSource: DataSource;
  const procs: Proc[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase('mysql', tag, false);
    if (database.kind !== 'mysql') throw new Error('expected a MySQL database');
    databaseUrl = database.url;
  });

  afterAll(async () => {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await dataSource?.destroy();
    const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL });
    await conn.query(`DROP DATABASE IF EXISTS \`${new URL(databaseUrl).pathname.slice(1)}\``);
    await conn.end();
    await deleteRedisKeys(prefix);
  });

  it('work recorded in the database through the api process is consumed by the worker process', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tally-2p-')),
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      JWT_SECRET: 'test-secret-test-secret-test-secret-123456',
    };

    const migrate = start('src/db/migrate-cli.ts', env);
    expect(await migrate.exited).toBe(0);

    const api = start('src/server.ts', env);
    procs.push(api);
    await whileRunning(
      api,
      eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok', redis: 'ok' } });
      }, 90_000, 200), // about 3 s on an idle machine; generous for a loaded CI box
    );

    // A relayed row from long ago, and a prune job recorded in a committed transaction.
    dataSource = createDataSource({ kind: 'mysql', url: databaseUrl });
    await dataSource.initialize();
    const old = new Date(Date.now() - 10 * DAY_MS);
    await dataSource.manager.insert(OutboxEntry, { jobName: 'old.work', payload: {}, merchantId: null, createdAt: old, availableAt: old, relayedAt: old, completedAt: old, attempts: 0, lastError: null });
    await dataSource.transaction((tx) => enqueueInTransaction(tx, outboxPruneJob.name, {}));
    const jobNames = async () => (await dataSource.manager.find(OutboxEntry, { order: { id: 'ASC' } })).map((r) => `${r.jobName}${r.relayedAt ? '' : ' (waiting)'}`);

    // The api relays it to Redis but does not consume it (RUN_JOBS_IN_API is off with Redis).
    await eventually(async () => expect(await jobNames()).toEqual(['old.work', 'outbox.prune']), 10_000, 100);
    // It waits in Redis, not taken by the api, and its work is still owed.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.llen(`${prefix}:${outboxPruneJob.name}:wait`)).toBe(1);
    } finally {
      await redis.quit();
    }
    expect((await dataSource.manager.findOneByOrFail(OutboxEntry, { jobName: outboxPruneJob.name })).completedAt).toBeNull();

    // The worker takes the job from Redis and prunes the old row.
    const worker = start('src/worker.ts', env);
    procs.push(worker);
    await whileRunning(worker, eventually(async () => expect(await jobNames()).toEqual(['outbox.prune']), 45_000, 200));
    await whileRunning(worker, eventually(() => expect(worker.output()).toContain('Tally worker started'), 10_000, 100));

    const [apiExit, workerExit] = await Promise.all([stop(api), stop(worker)]);
    expect({ api: apiExit, worker: workerExit }).toEqual({ api: 0, worker: 0 });
  }, 150_000);
});
