/**
 * Scoring run benchmark (issue 10, item 6): generated members' purchases
 * written set-based straight into a fresh database (SQLite file, or MySQL
 * with --mysql), then the nightly scoring run of one merchant — member facts
 * rebuilt from the purchases, facts as of today, RFM, ABC, the fits, churn,
 * CLV, summaries — timed per step, with the process's peak RSS and heap.
 *
 *   npx tsx bench/analytics/scoring.ts [--members 100000] [--purchases 2000000] [--mysql]
 *
 * Members buy on a skewed distribution (a few buy a lot, many once or
 * twice) on days spread over two years; 5 % of receipts are anonymous.
 * MySQL uses BENCH_MYSQL_URL (default root@127.0.0.1:3306, a new database
 * per run, dropped at the end). Run by hand, never in tests.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { ScoreRun } from '../../src/analytics/score-run.entity';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { migrate } from '../../src/db/statistics';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { Merchant } from '../../src/merchants/merchant.entity';
import { Store } from '../../src/merchants/store.entity';
import { Terminal } from '../../src/merchants/terminal.entity';
import { composeModules } from '../../src/module';
import { modules } from '../../src/modules';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, purchases: { type: 'string', default: '2000000' }, mysql: { type: 'boolean', default: false } } });
const MEMBERS = Number(values.members);
const PURCHASES = Number(values.purchases);
const CHUNK = 500_000;

async function measured<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; rssMb: number; heapMb: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const started = process.hrtime.bigint();
  try {
    const result = await run();
    sample();
    return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function database(): Promise<Database> {
  if (!values.mysql) return { kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'tally-scoring-bench-')), 'bench.sqlite') };
  const base = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const name = `bench_scoring_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return { kind: 'mysql', url: `${base}/${name}` };
}

/**
 * Purchases n in [from, to) as one INSERT … SELECT over a cross join of
 * digits: member ⌊N·u²⌋ for a pseudo-random u (skewed: low indexes buy
 * most), a day in the two years before today, an amount of 5–55.
 */
function purchasesSql(isMysql: boolean, from: number, to: number): string {
  // Six digit tables number a million rows from the million that holds `from`.
  const n = `(a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + ${Math.floor(from / 1_000_000) * 1_000_000})`;
  const u = `((${n} * 2654435761) % 4294967296) / 4294967296.0`;
  const member = `CAST(${MEMBERS} * ${u} * ${u} AS ${isMysql ? 'UNSIGNED' : 'INTEGER'})`;
  const memberId = isMysql
    ? `CONCAT('00000000-0000-7000-8000-', LPAD(LOWER(HEX((${member} * 40503) % 281474976710656)), 12, '0'))`
    : `printf('00000000-0000-7000-8000-%012x', (${member} * 40503) % 281474976710656)`;
  const anonymous = `(${n} % 20 = 0)`;
  const minutes = `((${n} * 7919) % (730 * 1440))`;
  const occurred = isMysql ? `(UTC_TIMESTAMP(3) - INTERVAL ${minutes} MINUTE - INTERVAL 1 DAY)` : `strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 day', '-' || ${minutes} || ' minutes')`;
  const id = isMysql ? `CONCAT('p-', ${n})` : `'p-' || ${n}`;
  return `INSERT INTO purchases (id, merchant_id, store_id, terminal_id, receipt_number, member_id, occurred_at, recorded_at, total_minor, status, idempotency_key, request_hash)
    SELECT ${id}, 'bench-merchant', 'bench-store', 'bench-terminal', ${id}, CASE WHEN ${anonymous} THEN NULL ELSE ${memberId} END, ${occurred}, ${occurred},
      500 + (${n} * 31337) % 5000, 'completed', ${id}, 'bench'
    FROM bench_digits a, bench_digits b, bench_digits c, bench_digits e, bench_digits f, bench_digits g
    WHERE ${n} >= ${from} AND ${n} < ${to}`;
}

async function main(): Promise<void> {
  const target = await database();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: tmpdir(), JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1', DATABASE_URL: target.kind === 'mysql' ? target.url : `sqlite:${target.file}` });
  const log = createLogger('silent');
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  const db = new Db(dataSource);
  await migrate(db);
  const { services } = composeModules({ config, db, queue: new InProcessJobQueue(log), log }, modules);
  const now = new Date();
  const m = dataSource.manager;
  await m.save(Merchant, { id: 'bench-merchant', name: 'Bench', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB', settings: null, createdAt: now, updatedAt: now });
  await m.save(Store, { id: 'bench-store', merchantId: 'bench-merchant', code: 'BENCH', name: 'Bench', address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
  await m.save(Terminal, { id: 'bench-terminal', merchantId: 'bench-merchant', storeId: 'bench-store', name: 'Bench', keyPrefix: 'bench', keyHash: 'bench', revokedAt: null, lastSeenAt: null, createdAt: now });
  await m.query('CREATE TABLE bench_digits (d INT)');
  await m.query('INSERT INTO bench_digits (d) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)');

  process.stdout.write(`${target.kind}, ${MEMBERS} members, ${PURCHASES} purchases\n`);
  const generated = await measured(async () => {
    for (let from = 0; from < PURCHASES; from += CHUNK) {
      const to = Math.min(PURCHASES, from + CHUNK);
      await db.transaction((tx) => tx.query(purchasesSql(db.isMysql, from, to)));
    }
  });
  const [buyers] = await m.query('SELECT COUNT(DISTINCT member_id) AS n FROM purchases');
  process.stdout.write(`generated: ${generated.seconds.toFixed(1)} s; ${buyers.n} members bought\n`);
  if (db.isMysql) await m.query('ANALYZE TABLE purchases');

  const run = await services.analyticsScoring.requestRun('bench-merchant', {}, 'nightly', now);
  const scored = await measured(() => services.analyticsScoring.run(run.id, now));
  const done = await m.findOneByOrFail(ScoreRun, { id: run.id });
  process.stdout.write(
    `scoring run: ${scored.seconds.toFixed(1)} s, peak RSS ${scored.rssMb.toFixed(0)} MB, heap ${scored.heapMb.toFixed(0)} MB; ${done.members} members scored, status ${done.status}\n`,
  );
  process.stdout.write(`steps (s): ${JSON.stringify(done.diagnostics?.timings)}\n`);
  const d = done.diagnostics;
  process.stdout.write(`fit on ${d?.fitMembers} members: BG/NBD ${d?.bgNbd?.status}, Gamma-Gamma ${d?.gammaGamma?.status}\n`);
  await dataSource.destroy();
  if (target.kind === 'mysql') {
    const admin = await mysql.createConnection(target.url);
    await admin.query(`DROP DATABASE ${target.url.slice(target.url.lastIndexOf('/') + 1)}`);
    await admin.end();
  }
}

void main();
