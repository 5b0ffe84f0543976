/**
 * History benchmark (issue 8, item 10): does a till's cost grow with the
 * history? Seeds members and tills through the API, measures purchases on the
 * empty database, then records `--purchases` past sales (two lines each,
 * set-based SQL, in chunks of 100,000) and measures again: the member-stats
 * job on its own (per member, before and after the planner's statistics are
 * refreshed, with the plans the database chose) and purchases through the
 * API, closed-loop and paced.
 *
 *   npx tsx bench/history/run.ts [--purchases 1000000] [--members 1000] [--seconds 10] [--rate 20] [--only sqlite|mysql]
 *
 * Run by hand, never in tests. MySQL needs BENCH_MYSQL_URL (default
 * root@127.0.0.1:3306) and Redis (BENCH_REDIS_URL, default 127.0.0.1:6379).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import type { QueryRunner } from 'typeorm';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { refreshStatistics } from '../../src/db/statistics';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { composeModules } from '../../src/module';
import { modules } from '../../src/modules';
import { basket } from '../purchase/basket';
import { cpuLine, findProcess, sampleCpu } from '../purchase/cpu';
import { pacedPurchases } from '../purchase/paced';
import { BENCH_LIMITS, prepare, seed, type Seeded } from '../purchase/seed';
import { freePort, startProcess, stopProcess, waitForReady } from '../purchase/server';
import { api } from '../purchase/http';
import { summarise, type Summary } from '../purchase/stats';

const { values: args } = parseArgs({
  options: {
    purchases: { type: 'string', default: '1000000' },
    members: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
    connections: { type: 'string', default: '8' },
    only: { type: 'string' },
    /** Reuse the SQLite file of an earlier run (its path is printed): skips seeding, measures the stats job and the till. */
    'sqlite-file': { type: 'string' },
  },
});
const CHUNK = 100_000;
const PURCHASES = Math.ceil(Number(args.purchases) / CHUNK) * CHUNK;
const MEMBERS = Number(args.members);
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const CONNECTIONS = Number(args.connections);
const STATS_SAMPLE = 200;
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = randomBytes(32).toString('hex');
/** Start-up on a busy shared machine can take minutes. */
const READY_MS = 300_000;

const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};

interface Target {
  label: string;
  database: Database;
  dataDir: string;
  env: Record<string, string>;
  /** Entry points to run: the single process (SQLite) or api + worker (MySQL). */
  entries: string[];
}

/** Closed loop: every connection sends its next purchase when the last is answered. */
async function closedLoop(seeded: Seeded): Promise<Summary> {
  const url = new URL(seeded.base);
  const runId = randomBytes(3).toString('hex');
  let seq = 0;
  let nextTill = 0;
  const samples: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: seeded.base,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            setupRequest: (req, ctx) => {
              const context = ctx as { till?: number };
              if (context.till === undefined) context.till = nextTill++ % seeded.tills.length;
              const n = seq++;
              const body = JSON.stringify({ cardCode: seeded.cards[n % seeded.cards.length], receiptNumber: `${runId}-${n}`, occurredAt: new Date().toISOString(), lines: basket(n) });
              const headers = { host: url.host, authorization: `Bearer ${seeded.tills[context.till].token}`, 'content-type': 'application/json', 'idempotency-key': `hist-${runId}-${n}` };
              return { ...req, method: 'POST', path: '/v1/pos/purchases', headers, body };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => (status >= 200 && status < 300 ? samples.push(ms) : errors++));
  });
  return summarise(samples, errors + result.errors + result.timeouts, result.duration);
}

/**
 * New terminals and tokens for each till run: seeding a long history outlasts
 * the access tokens of the terminals made before it.
 */
async function freshTills(seeded: Seeded): Promise<Seeded> {
  const session = await api<{ accessToken: string }>(seeded.base, 'POST', '/v1/auth/sign-in', { email: 'owner@bench.test', password: 'bench-password-1' });
  const tills: Seeded['tills'] = [];
  for (const old of seeded.tills) {
    const created = await api<{ apiKey: string }>(seeded.base, 'POST', '/v1/terminals', { storeId: old.storeId, name: `Till ${randomBytes(3).toString('hex')}` }, session.accessToken);
    const t = await api<{ accessToken: string; terminal: { id: string } }>(seeded.base, 'POST', '/v1/auth/terminal-token', { apiKey: created.apiKey });
    tills.push({ ...old, terminalId: t.terminal.id, token: t.accessToken });
  }
  return { ...seeded, tills };
}

async function tillRun(target: Target, earlier: Seeded, when: string): Promise<void> {
  const procs = target.entries.map((e) => startProcess(e, target.env));
  try {
    await waitForReady(earlier.base, READY_MS);
    const seeded = await freshTills(earlier);
    const pids: Record<string, number | undefined> = Object.fromEntries(target.entries.map((e, i) => [e.replace('src/', '').replace('.ts', ''), procs[i].pid]));
    if (target.database.kind === 'mysql') pids.MariaDB = findProcess('mariadbd', 'mysqld');
    const before = sampleCpu(pids);
    const closed = await closedLoop(seeded);
    const cpu = cpuLine(before, sampleCpu(pids), closed.requests);
    say(`| ${target.label} | ${when} | closed loop, ${CONNECTIONS} tills | ${closed.throughput.toFixed(1)} | ${closed.p50.toFixed(1)} | ${closed.p99.toFixed(1)} | ${closed.errors} |`);
    say(`|  |  | CPU: ${cpu} |  |  |  |  |`);
    if (RATE > 0) {
      const paced = await pacedPurchases(seeded, RATE, SECONDS, CONNECTIONS);
      say(`| ${target.label} | ${when} | paced at ${RATE}/s | ${paced.throughput.toFixed(1)} | ${paced.p50.toFixed(1)} | ${paced.p99.toFixed(1)} | ${paced.errors} |`);
    }
  } finally {
    await Promise.all(procs.map((p: ChildProcess) => stopProcess(p)));
  }
}

/** Records `PURCHASES` past sales of the seeded members, spread over the last year, with two lines each. */
async function seedHistory(q: QueryRunner, mysqlDialect: boolean, merchantId: string): Promise<void> {
  const started = Date.now();
  await q.query(mysqlDialect ? 'CREATE TEMPORARY TABLE bench_members (n INT PRIMARY KEY, id VARCHAR(36))' : 'CREATE TEMP TABLE bench_members (n INTEGER PRIMARY KEY, id TEXT)');
  await q.query(mysqlDialect ? 'CREATE TEMPORARY TABLE bench_tills (n INT PRIMARY KEY, id VARCHAR(36), store_id VARCHAR(36))' : 'CREATE TEMP TABLE bench_tills (n INTEGER PRIMARY KEY, id TEXT, store_id TEXT)');
  const members: { id: string }[] = await q.query('SELECT id FROM members WHERE merchant_id = ? ORDER BY id', [merchantId]);
  const tills: { id: string; store_id: string }[] = await q.query('SELECT id, store_id FROM terminals WHERE merchant_id = ? ORDER BY id', [merchantId]);
  for (const [i, m] of members.entries()) await q.query('INSERT INTO bench_members (n, id) VALUES (?, ?)', [i, m.id]);
  for (const [i, t] of tills.entries()) await q.query('INSERT INTO bench_tills (n, id, store_id) VALUES (?, ?, ?)', [i, t.id, t.store_id]);
  const digits = (name: string) => `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) ${name}`;
  const yearAgo = Date.now() - 365 * 86_400_000;
  const stepSeconds = Math.max(1, Math.floor((365 * 86_400) / PURCHASES));
  const id = mysqlDialect ? "CONCAT('00000000-0000-7000-8000-', LPAD(s.i, 12, '0'))" : "printf('00000000-0000-7000-8000-%012d', s.i)";
  const at = mysqlDialect
    ? `TIMESTAMPADD(SECOND, s.i * ${stepSeconds}, '${new Date(yearAgo).toISOString().slice(0, 19).replace('T', ' ')}')`
    : `strftime('%Y-%m-%d %H:%M:%f', ${yearAgo / 1000}, 'unixepoch', '+' || (s.i * ${stepSeconds}) || ' seconds')`;
  const concat = (a: string, b: string) => (mysqlDialect ? `CONCAT(${a}, ${b})` : `${a} || ${b}`);
  for (let base = 0; base < PURCHASES; base += CHUNK) {
    await q.startTransaction();
    await q.query(
      `INSERT INTO purchases (id, merchant_id, store_id, terminal_id, receipt_number, member_id, card_id, occurred_at, recorded_at, total_minor,
         discount_minor, points_redeemed, redeem_value_minor, points_earned, program_version, status, refunded_minor, points_reversed, points_restored,
         idempotency_key, request_hash, response)
       SELECT ${id}, ?, t.store_id, t.id, ${concat("'H'", 's.i')}, m.id, NULL, ${at}, ${at}, 500 + (s.i * 7919) % 20000,
         0, 0, 0, 0, 0, 'completed', 0, 0, 0, ${concat("'hist-'", 's.i')}, '', NULL
         FROM (SELECT ${base} + d0.d + 10 * d1.d + 100 * d2.d + 1000 * d3.d + 10000 * d4.d AS i
                 FROM ${digits('d0')} CROSS JOIN ${digits('d1')} CROSS JOIN ${digits('d2')} CROSS JOIN ${digits('d3')} CROSS JOIN ${digits('d4')}) s
         JOIN bench_members m ON m.n = s.i % ${members.length}
         JOIN bench_tills t ON t.n = s.i % ${tills.length}`,
      [merchantId],
    );
    await q.query(
      `INSERT INTO purchase_lines (purchase_id, line_no, merchant_id, sku, category, description, quantity_milli, unit_price_minor, amount_minor,
         points, returned_quantity_milli, returned_amount_minor, points_reversed)
       SELECT p.id, k.n, p.merchant_id, ${concat("'SKU-'", 'k.n')},
         CASE (p.total_minor + k.n) % 5 WHEN 0 THEN 'dairy' WHEN 1 THEN 'bakery' WHEN 2 THEN 'fresh' WHEN 3 THEN 'grocery' ELSE 'household' END,
         NULL, 1000, CASE k.n WHEN 1 THEN 300 ELSE p.total_minor - 300 END, CASE k.n WHEN 1 THEN 300 ELSE p.total_minor - 300 END, 0, 0, 0, 0
         FROM purchases p CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE p.merchant_id = ? AND p.id >= ? AND p.id <= ?`,
      [merchantId, `00000000-0000-7000-8000-${String(base).padStart(12, '0')}`, `00000000-0000-7000-8000-${String(base + CHUNK - 1).padStart(12, '0')}`],
    );
    await q.commitTransaction();
    process.stderr.write(`  history: ${base + CHUNK} purchases (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  say(`History: ${PURCHASES} purchases and ${2 * PURCHASES} lines of ${members.length} members recorded in ${((Date.now() - started) / 1000).toFixed(0)} s (set-based, ${CHUNK} per statement).`);
}

/** The stats job for a sample of members, in this process: ms per member, and the plan of each statement. */
async function statsRun(target: Target, merchantId: string, when: string): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: target.dataDir, JWT_SECRET });
  const log = createLogger('silent');
  const dataSource = createDataSource(target.database);
  const captured: { sql: string; params: unknown[] | undefined }[] = [];
  let capturing = false;
  dataSource.setOptions({
    logging: ['query'],
    logger: {
      logQuery: (sql: string, params?: unknown[]) => void (capturing && captured.push({ sql, params })),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    },
  });
  await dataSource.initialize();
  const queue = new InProcessJobQueue(log);
  const db = new Db(dataSource);
  try {
    if (when === 'after refreshing statistics') await refreshStatistics(db);
    const { services } = composeModules({ config, db, queue, log }, modules);
    const members: { id: string }[] = await dataSource.query('SELECT id FROM members WHERE merchant_id = ? ORDER BY id LIMIT ?', [merchantId, STATS_SAMPLE]);
    // The plan the database chose for each statement of the stats read, for the first member.
    capturing = true;
    await services.purchases.memberPurchaseStats(merchantId, members[0].id);
    capturing = false;
    const plans: string[] = [];
    for (const { sql, params } of captured) {
      const rows: Record<string, unknown>[] = await dataSource.query((target.database.kind === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ') + sql, params);
      plans.push(`    ${sql.replace(/\s+/g, ' ').slice(0, 100)}…`);
      for (const r of rows) plans.push(`      ${target.database.kind === 'sqlite' ? String(r.detail) : `${String(r.table)}: key=${String(r.key)} rows=${String(r.rows)} ${String(r.Extra ?? '')}`}`);
    }
    const started = process.hrtime.bigint();
    for (const m of members) await services.purchases.refreshMemberStats(merchantId, [m.id]);
    const perJob = Number(process.hrtime.bigint() - started) / 1e6 / members.length;
    const history = Math.round(PURCHASES / MEMBERS);
    say(`| ${target.label} | ${when} | stats job, ${members.length} members of ~${history} purchases each | ${(1000 / perJob).toFixed(1)} jobs/s | ${perJob.toFixed(2)} ms per job |  |  |`);
    say(`Plans ${target.label}, ${when}:\n${plans.join('\n')}`);
  } finally {
    await queue.close();
    await dataSource.destroy();
  }
}

/** The merchant, store and cards of a history an earlier run left in a SQLite file. */
async function reuse(target: Target): Promise<void> {
  const dataSource = createDataSource(target.database);
  await dataSource.initialize();
  const [merchant]: { id: string }[] = await dataSource.query('SELECT id FROM merchants LIMIT 1');
  const [store]: { id: string }[] = await dataSource.query('SELECT id FROM stores WHERE merchant_id = ? LIMIT 1', [merchant.id]);
  const cards: { number: string }[] = await dataSource.query('SELECT number FROM cards WHERE merchant_id = ? ORDER BY number', [merchant.id]);
  const [{ n }]: { n: number }[] = await dataSource.query('SELECT COUNT(*) AS n FROM purchases');
  await dataSource.destroy();
  say(`Reusing ${target.database.kind === 'sqlite' ? target.database.file : ''}: ${n} purchases.`);
  const base = `http://127.0.0.1:${target.env.PORT}`;
  const tills = Array.from({ length: CONNECTIONS }, () => ({ merchantId: merchant.id, storeId: store.id, terminalId: '', token: '' }));
  const seeded: Seeded = { base, tills, cards: cards.map((c) => c.number) };
  await statsRun(target, merchant.id, 'as left by the earlier run');
  await tillRun(target, seeded, `${(Number(n) / 1_000_000).toFixed(1)} M purchases`);
}

async function bench(target: Target): Promise<void> {
  say(`Database: ${target.database.kind === 'sqlite' ? target.database.file : 'MySQL'}`);
  const setupToken = await prepare(target.database, target.dataDir, JWT_SECRET);
  const base = `http://127.0.0.1:${target.env.PORT}`;
  const procs = target.entries.map((e) => startProcess(e, target.env));
  let seeded: Seeded;
  try {
    await waitForReady(base, READY_MS);
    seeded = await seed(base, setupToken, CONNECTIONS, MEMBERS);
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p)));
  }
  const merchantId = seeded.tills[0].merchantId;
  await tillRun(target, seeded, 'empty history');
  const dataSource = createDataSource(target.database);
  await dataSource.initialize();
  const q = dataSource.createQueryRunner();
  try {
    await seedHistory(q, target.database.kind === 'mysql', merchantId);
  } finally {
    await q.release();
    await dataSource.destroy();
  }
  await statsRun(target, merchantId, 'no statistics refresh yet');
  await statsRun(target, merchantId, 'after refreshing statistics');
  await tillRun(target, seeded, `${PURCHASES / 1_000_000} M purchases`);
}

async function main(): Promise<void> {
  say(`History bench ${new Date().toISOString()}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0].toFixed(2)} at start; ${MEMBERS} members, ${CONNECTIONS} tills, ${SECONDS} s per run.`);
  say('');
  say('| database | history | scenario | purchases/s (or jobs/s) | p50 ms | p99 ms | errors |');
  say('| --- | --- | --- | ---: | ---: | ---: | ---: |');
  if (args['sqlite-file']) {
    const file = args['sqlite-file'];
    const port = String(await freePort());
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-history-'));
    await reuse({
      label: 'SQLite (one process)',
      database: { kind: 'sqlite', file },
      dataDir,
      env: { ...BENCH_LIMITS, DATABASE_URL: `sqlite:${file}`, JWT_SECRET, DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' },
      entries: ['src/main.ts'],
    });
  } else if (args.only !== 'mysql') {
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-history-'));
    const file = join(dataDir, 'tally.sqlite');
    const port = String(await freePort());
    await bench({
      label: 'SQLite (one process)',
      database: { kind: 'sqlite', file },
      dataDir,
      env: { ...BENCH_LIMITS, DATABASE_URL: `sqlite:${file}`, JWT_SECRET, DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' },
      entries: ['src/main.ts'],
    });
  }
  if (args.only !== 'sqlite' && !args['sqlite-file']) {
    const name = `tally_history_${randomBytes(4).toString('hex')}`;
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const dbUrl = new URL(MYSQL_URL);
    dbUrl.pathname = `/${name}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-history-'));
    const port = String(await freePort());
    try {
      await bench({
        label: 'MySQL (api + worker)',
        database: { kind: 'mysql', url: dbUrl.toString() },
        dataDir,
        env: { ...BENCH_LIMITS, DATABASE_URL: dbUrl.toString(), REDIS_URL, REDIS_PREFIX: `tally-history-${name}`, JWT_SECRET, DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' },
        entries: ['src/server.ts', 'src/worker.ts'],
      });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    }
  }
  process.stdout.write(`\n${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
