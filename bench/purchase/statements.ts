/**
 * Counts the SQL statements one till request sends to the database, in one
 * process with TypeORM's query logger: what the api does per card lookup and
 * per purchase once its short caches are warm (steady state under load),
 * next to the hand-written direct transaction (direct-mysql.ts: 12 statements
 * including BEGIN, SET ISOLATION and COMMIT). No outbox relay or job runs
 * here, so only the request path is counted.
 *
 *   npx tsx bench/purchase/statements.ts [--only mysql|sqlite] [--show] [--program default|grocer]
 *
 * `--show` lists the statements of one purchase and one lookup.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import type { Logger as OrmLogger } from 'typeorm';
import { createApp } from '../../src/app';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { composeModules } from '../../src/module';
import { modules } from '../../src/modules';
import { SharedCounters } from '../../src/shared-counters';
import { basket } from './basket';
import { api } from './http';
import { BENCH_LIMITS, seed, type BenchProgram } from './seed';

/** Statements the direct mysql2 transaction sends per purchase (direct-mysql.ts), for comparison. */
export const DIRECT_STATEMENTS = 12;

export interface StatementCounts {
  lookup: number;
  purchase: number;
  /** Statements of the last counted request of each kind, shortened, in order. */
  lookupList: string[];
  purchaseList: string[];
}

/** TypeORM logger that only records statements while `on`. */
class CountingLogger implements OrmLogger {
  on = false;
  statements: string[] = [];
  logQuery(query: string): void {
    if (this.on) this.statements.push(query.replace(/\s+/g, ' ').slice(0, 160));
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const SAMPLES = 20;

/** Seeds a fresh database through the API of an in-process app and counts statements per request. */
export async function countStatements(database: Database, dataDir: string, program: BenchProgram = 'default'): Promise<StatementCounts> {
  const counter = new CountingLogger();
  const jwtSecret = randomBytes(32).toString('hex');
  const config = loadConfig({ ...BENCH_LIMITS, NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
  const log = createLogger('silent');
  const dataSource = createDataSource(database);
  dataSource.setOptions({ logging: ['query'], logger: counter });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const queue = new InProcessJobQueue(log);
  // On MySQL the production pairing has Redis, where the abuse limits count (bench default 127.0.0.1:6379).
  const counters = database.kind === 'mysql' ? new SharedCounters(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', `tally-bench-statements-${randomBytes(4).toString('hex')}`) : undefined;
  if (counters && !(await counters.connected())) throw new Error('Redis did not answer');
  const deps = { config, db: new Db(dataSource), queue, log, counters };
  const composed = composeModules(deps, modules);
  const { services } = composed;
  const server: Server = createServer(createApp({ ...deps, ...composed }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    const base = `http://127.0.0.1:${address.port}`;
    const setup = await services.auth.ensureSetupToken();
    if (!setup) throw new Error('fresh database should need setup');
    const seeded = await seed(base, setup.token, 1, SAMPLES + 2, program);
    const till = seeded.tills[0];
    const lookup = (card: string) => api(base, 'GET', `/v1/pos/cards/${card}`, undefined, till.token);
    const purchase = (card: string, n: number) =>
      api(base, 'POST', '/v1/pos/purchases', { cardCode: card, receiptNumber: `S-${n}`, occurredAt: new Date().toISOString(), lines: basket(n) }, till.token, {
        'idempotency-key': `stmt-${n}-${randomBytes(4).toString('hex')}`,
      });
    // Warm the per-process caches as a busy till would have them, then count.
    await lookup(seeded.cards[SAMPLES]);
    await purchase(seeded.cards[SAMPLES + 1], 1_000_000);
    const measure = async (run: (i: number) => Promise<unknown>) => {
      let total = 0;
      let last: string[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        counter.statements = [];
        counter.on = true;
        await run(i);
        counter.on = false;
        total += counter.statements.length;
        last = counter.statements;
      }
      return { perRequest: total / SAMPLES, last };
    };
    const lookups = await measure((i) => lookup(seeded.cards[i]));
    // Each member's second purchase: the first one also creates the balance row.
    await measure((i) => purchase(seeded.cards[i], 2_000_000 + i));
    const purchases = await measure((i) => purchase(seeded.cards[i], 3_000_000 + i));
    return { lookup: lookups.perRequest, purchase: purchases.perRequest, lookupList: lookups.last, purchaseList: purchases.last };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await queue.close();
    await counters?.close();
    await dataSource.destroy();
  }
}

/** Runs countStatements on a fresh MySQL database (dropped afterwards). */
export async function countMysqlStatements(mysqlUrl: string, program: BenchProgram = 'default'): Promise<StatementCounts> {
  const name = `tally_stmt_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: mysqlUrl });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  try {
    const url = new URL(mysqlUrl);
    url.pathname = `/${name}`;
    return await countStatements({ kind: 'mysql', url: url.toString() }, mkdtempSync(join(tmpdir(), 'tally-stmt-')), program);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

export async function countSqliteStatements(program: BenchProgram = 'default'): Promise<StatementCounts> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-stmt-sqlite-'));
  return countStatements({ kind: 'sqlite', file: join(dir, 'tally.sqlite') }, dir, program);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { only: { type: 'string' }, show: { type: 'boolean', default: false }, program: { type: 'string', default: 'default' } } });
  const program: BenchProgram = args.program === 'grocer' ? 'grocer' : 'default';
  const mysqlUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const out: string[] = ['| database | statements per card lookup | statements per purchase | direct mysql2 purchase |', '| --- | ---: | ---: | ---: |'];
  const show = (label: string, c: StatementCounts) => {
    if (!args.show) return;
    process.stdout.write(`\n${label} purchase:\n${c.purchaseList.map((s, i) => `${String(i + 1).padStart(3)}  ${s}`).join('\n')}\n`);
    process.stdout.write(`\n${label} card lookup:\n${c.lookupList.map((s, i) => `${String(i + 1).padStart(3)}  ${s}`).join('\n')}\n`);
  };
  if (args.only !== 'sqlite') {
    const c = await countMysqlStatements(mysqlUrl, program);
    show('MySQL', c);
    out.push(`| MySQL | ${c.lookup.toFixed(1)} | ${c.purchase.toFixed(1)} | ${DIRECT_STATEMENTS} |`);
  }
  if (args.only !== 'mysql') {
    const c = await countSqliteStatements(program);
    show('SQLite', c);
    out.push(`| SQLite | ${c.lookup.toFixed(1)} | ${c.purchase.toFixed(1)} | — |`);
  }
  process.stdout.write(`\n${out.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
