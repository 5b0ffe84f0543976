/**
 * Purchase benchmark (issue 3): 32 terminals recording 5-line baskets for
 * members, against MySQL (api + worker processes, Redis jobs) and against the
 * embedded SQLite single process; card lookup latency; and the same purchase
 * transaction done directly with mysql2 in the same run as the limit.
 *
 *   npx tsx bench/purchase/run.ts [--seconds 15] [--connections 32] [--members 500] [--only mysql|sqlite]
 *
 * Needs MariaDB/MySQL (BENCH_MYSQL_URL, default root@127.0.0.1:3306) and Redis
 * (BENCH_REDIS_URL, default 127.0.0.1:6379). Sends traffic to 127.0.0.1 only.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { createServices } from '../../src/services';
import { basket } from './basket';
import { directMysqlPurchases, type Till } from './direct-mysql';
import { api } from './http';
import { freePort, startProcess, stopProcess, waitForReady } from './server';
import { HEADER, row, summarise, type Summary } from './stats';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    members: { type: 'string', default: '500' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const MEMBERS = Number(args.members);
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = randomBytes(32).toString('hex');

interface Seeded {
  base: string;
  tills: (Till & { token: string })[];
  cards: string[];
}

/** Migrates a fresh database and returns a setup token, as `npm start` would print. */
async function prepare(database: Database, dataDir: string): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir, JWT_SECRET });
  const log = createLogger('silent');
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const queue = new InProcessJobQueue(log);
  const services = createServices({ config, db: new Db(dataSource), queue, log });
  const setup = await services.auth.ensureSetupToken();
  await queue.close();
  await dataSource.destroy();
  if (!setup) throw new Error('fresh database should need setup');
  return setup.token;
}

/** Seeds through the public API: merchant + owner, a store, terminals, members with cards. */
async function seed(base: string, setupToken: string): Promise<Seeded> {
  const session = await api<{ accessToken: string }>(base, 'POST', '/v1/setup', {
    token: setupToken,
    merchant: { name: 'Bench Grocer', currency: 'USD', timeZone: 'UTC', locale: 'en' },
    owner: { email: 'owner@bench.test', name: 'Owner', password: 'bench-password-1' },
  });
  const owner = session.accessToken;
  const store = await api<{ id: string }>(base, 'POST', '/v1/stores', { code: 'B01', name: 'Bench store' }, owner);
  const tills: Seeded['tills'] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const created = await api<{ terminal: { id: string }; apiKey: string }>(base, 'POST', '/v1/terminals', { storeId: store.id, name: `Till ${i + 1}` }, owner);
    const t = await api<{ accessToken: string; terminal: { id: string; storeId: string } }>(base, 'POST', '/v1/auth/terminal-token', { apiKey: created.apiKey });
    const me = await api<{ merchant: { id: string } }>(base, 'GET', '/v1/auth/me', undefined, t.accessToken);
    tills.push({ merchantId: me.merchant.id, storeId: t.terminal.storeId, terminalId: t.terminal.id, token: t.accessToken });
  }
  const cards: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const enrolled = await api<{ card: { number: string } }>(
      base,
      'POST',
      '/v1/pos/members',
      { firstName: `Member${i}`, email: `m${i}@bench.test`, consents: { marketingEmail: false } },
      tills[i % tills.length].token,
    );
    cards.push(enrolled.card.number);
  }
  return { base, tills, cards };
}

/** Runs autocannon with one terminal per connection and keeps every latency sample for exact percentiles. */
async function load(seeded: Seeded, kind: 'lookup' | 'purchase'): Promise<Summary> {
  const url = new URL(seeded.base);
  let nextTill = 0;
  let seq = 0;
  const samples: number[] = [];
  let errors = 0;
  const runId = randomBytes(3).toString('hex');
  let finish: (r: autocannon.Result) => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url: seeded.base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req, ctx) => {
          const context = ctx as { till?: number };
          if (context.till === undefined) context.till = nextTill++ % seeded.tills.length;
          const till = seeded.tills[context.till];
          const n = seq++;
          const card = seeded.cards[n % seeded.cards.length];
          if (kind === 'lookup') {
            return { ...req, method: 'GET', path: `/v1/pos/cards/${card}`, headers: { host: url.host, authorization: `Bearer ${till.token}` } };
          }
          const body = JSON.stringify({ cardCode: card, receiptNumber: `${runId}-${context.till}-${n}`, occurredAt: new Date().toISOString(), lines: basket(n) });
          return {
            ...req,
            method: 'POST',
            path: '/v1/pos/purchases',
            headers: { host: url.host, authorization: `Bearer ${till.token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${runId}-${n}` },
            body,
          };
        },
      },
    ],
  }, (err, result) => (err ? fail(err) : finish(result)));
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) samples.push(ms);
    else errors++;
  });
  const result = await done;
  return summarise(samples, errors + result.errors + result.timeouts, result.duration);
}

async function benchMysql(lines: string[]): Promise<void> {
  const name = `tally_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(MYSQL_URL);
  dbUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const port = await freePort();
  const env = { DATABASE_URL: dbUrl.toString(), REDIS_URL, REDIS_PREFIX: `tally-bench-${name}`, JWT_SECRET, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  const setupToken = await prepare({ kind: 'mysql', url: dbUrl.toString() }, dataDir);
  const apiProcess = startProcess('src/server.ts', env);
  const worker = startProcess('src/worker.ts', env);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(base);
    const seeded = await seed(base, setupToken);
    const lookup = await load(seeded, 'lookup');
    const purchase = await load(seeded, 'purchase');
    await stopProcess(apiProcess);
    await stopProcess(worker);
    const direct = await directMysqlPurchases(dbUrl.toString(), seeded.tills, seeded.cards, CONNECTIONS, SECONDS);
    lines.push(row('direct mysql2 purchase transaction (limit)', direct, direct));
    lines.push(row('Tally MySQL: POST /v1/pos/purchases', purchase, direct));
    lines.push(row('Tally MySQL: GET /v1/pos/cards/:code', lookup));
  } finally {
    await stopProcess(apiProcess);
    await stopProcess(worker);
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

async function benchSqlite(lines: string[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-sqlite-'));
  const file = join(dataDir, 'tally.sqlite');
  const port = await freePort();
  const setupToken = await prepare({ kind: 'sqlite', file }, dataDir);
  const single = startProcess('src/main.ts', { DATABASE_URL: `sqlite:${file}`, JWT_SECRET, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(base);
    const seeded = await seed(base, setupToken);
    const lookup = await load(seeded, 'lookup');
    const purchase = await load(seeded, 'purchase');
    lines.push(row('Tally SQLite (embedded, one process): POST /v1/pos/purchases', purchase));
    lines.push(row('Tally SQLite (embedded, one process): GET /v1/pos/cards/:code', lookup));
  } finally {
    await stopProcess(single);
  }
}

async function main(): Promise<void> {
  const lines = [...HEADER];
  if (args.only !== 'sqlite') await benchMysql(lines);
  if (args.only !== 'mysql') await benchSqlite(lines);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  process.stdout.write(`\n${SECONDS} s per scenario, ${CONNECTIONS} concurrent terminals, ${MEMBERS} members; ${machine}\n\n${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
