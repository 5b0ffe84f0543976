/**
 * Purchase benchmark (issue 3): 32 terminals recording 5-line baskets for
 * members, against MySQL (api + worker processes, Redis jobs) and against the
 * embedded SQLite single process; card lookup latency; and the same purchase
 * transaction done directly with mysql2 in the same run as the limit.
 *
 *   npx tsx bench/purchase/run.ts [--seconds 15] [--connections 32] [--members 500] [--only mysql|sqlite] [--program default|grocer] [--rate 40] [--offers 20]
 *
 * With --offers N, each database runs the purchase scenario again after N
 * active offers were created (bench/purchase/offers.ts): the commit rate with
 * offers next to none, in the same run.
 *
 * Prints the table, where the CPU went in each scenario (api, worker,
 * MariaDB, Redis, the load generator, the whole machine) and the SQL
 * statements per request (statements.ts).
 *
 * Needs MariaDB/MySQL (BENCH_MYSQL_URL, default root@127.0.0.1:3306) and Redis
 * (BENCH_REDIS_URL, default 127.0.0.1:6379). Sends traffic to 127.0.0.1 only.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { basket } from './basket';
import { activateOffers } from './offers';
import { cpuLine, findProcess, sampleCpu, type CpuSample } from './cpu';
import { directMysqlPurchases } from './direct-mysql';
import { pacedPurchases } from './paced';
import { BENCH_LIMITS, prepare, seed, type BenchProgram, type Seeded } from './seed';
import { countMysqlStatements, countSqliteStatements, DIRECT_STATEMENTS } from './statements';
import { freePort, startProcess, stopProcess, waitForReady } from './server';
import { HEADER, row, summarise, type Summary } from './stats';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    members: { type: 'string', default: '500' },
    only: { type: 'string' },
    program: { type: 'string', default: 'default' },
    rate: { type: 'string', default: '0' },
    offers: { type: 'string', default: '0' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const MEMBERS = Number(args.members);
if (args.program !== 'default' && args.program !== 'grocer') throw new Error('--program is default or grocer');
const PROGRAM: BenchProgram = args.program;
/** With --rate N, purchases also run evenly paced at N per second in all (paced.ts): latency below saturation, as tills with cashiers in front of them produce. */
const RATE = Number(args.rate);
const OFFERS = Number(args.offers);
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = randomBytes(32).toString('hex');

/** CPU lines printed under the table, one per scenario. */
const cpuNotes: string[] = [];

/** Runs autocannon with one terminal per connection and keeps every latency sample for exact percentiles; notes where the CPU went. */
async function load(
  seeded: Seeded,
  kind: 'lookup' | 'purchase',
  label: string,
  pids: Record<string, number | undefined>,
  rate = 0,
  statements?: () => Promise<number>,
): Promise<Summary> {
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
  const cpuBefore = sampleCpu(pids);
  const statementsBefore = await statements?.();
  if (rate > 0) {
    const summary = await pacedPurchases(seeded, rate, SECONDS, CONNECTIONS);
    await noteCpu(label, cpuBefore, pids, summary, statements, statementsBefore);
    return summary;
  }
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
  const summary = summarise(samples, errors + result.errors + result.timeouts, result.duration);
  await noteCpu(label, cpuBefore, pids, summary, statements, statementsBefore);
  return summary;
}

async function noteCpu(
  label: string,
  cpuBefore: CpuSample,
  pids: Record<string, number | undefined>,
  summary: Summary,
  statements: (() => Promise<number>) | undefined,
  statementsBefore: number | undefined,
): Promise<void> {
  const cpu = cpuLine(cpuBefore, sampleCpu(pids), summary.requests);
  const ran = statements && statementsBefore !== undefined ? `; MariaDB ran ${(((await statements()) - statementsBefore) / Math.max(1, summary.requests)).toFixed(1)} statements per op (api, worker, relay and jobs together)` : '';
  cpuNotes.push(`- ${label}: ${cpu}${ran}`);
}

async function benchMysql(lines: string[]): Promise<void> {
  const name = `tally_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(MYSQL_URL);
  dbUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const port = await freePort();
  const env = { ...BENCH_LIMITS, DATABASE_URL: dbUrl.toString(), REDIS_URL, REDIS_PREFIX: `tally-bench-${name}`, JWT_SECRET, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  const setupToken = await prepare({ kind: 'mysql', url: dbUrl.toString() }, dataDir, JWT_SECRET);
  const apiProcess = startProcess('src/server.ts', env);
  const worker = startProcess('src/worker.ts', env);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(base);
    const seeded = await seed(base, setupToken, CONNECTIONS, MEMBERS, PROGRAM);
    const pids = { api: apiProcess.pid, worker: worker.pid, MariaDB: findProcess('mariadbd', 'mysqld'), Redis: findProcess('redis-server') };
    // The server's statement counter: everything it ran, from every client (so only meaningful on an otherwise idle server).
    const questions = async () => {
      const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
      return Number(rows[0].Value);
    };
    const lookup = await load(seeded, 'lookup', 'MySQL card lookup', pids, 0, questions);
    const purchase = await load(seeded, 'purchase', 'MySQL purchase', pids, 0, questions);
    const paced = RATE > 0 ? await load(seeded, 'purchase', `MySQL purchase paced at ${RATE}/s`, pids, RATE, questions) : null;
    let withOffers: Summary | null = null;
    if (OFFERS > 0) {
      await activateOffers(seeded, OFFERS);
      withOffers = await load(seeded, 'purchase', `MySQL purchase, ${OFFERS} active offers`, pids, 0, questions);
    }
    await stopProcess(apiProcess);
    await stopProcess(worker);
    const directBefore = sampleCpu({ MariaDB: pids.MariaDB });
    const directStatements = await questions();
    const direct = await directMysqlPurchases(dbUrl.toString(), seeded.tills, seeded.cards, CONNECTIONS, SECONDS);
    const directRan = ((await questions()) - directStatements) / Math.max(1, direct.requests);
    cpuNotes.push(`- direct mysql2 purchase: ${cpuLine(directBefore, sampleCpu({ MariaDB: pids.MariaDB }), direct.requests)}; MariaDB ran ${directRan.toFixed(1)} statements per op`);
    lines.push(row('direct mysql2 purchase transaction (limit)', direct, direct));
    lines.push(row('Tally MySQL: POST /v1/pos/purchases', purchase, direct));
    if (withOffers) lines.push(row(`Tally MySQL: POST /v1/pos/purchases, ${OFFERS} active offers`, withOffers, direct));
    if (paced) lines.push(row(`Tally MySQL: POST /v1/pos/purchases paced at ${RATE}/s`, paced));
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
  const setupToken = await prepare({ kind: 'sqlite', file }, dataDir, JWT_SECRET);
  const single = startProcess('src/main.ts', { ...BENCH_LIMITS, DATABASE_URL: `sqlite:${file}`, JWT_SECRET, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(base);
    const seeded = await seed(base, setupToken, CONNECTIONS, MEMBERS, PROGRAM);
    const pids = { 'api (embedded)': single.pid };
    const lookup = await load(seeded, 'lookup', 'SQLite card lookup', pids);
    const purchase = await load(seeded, 'purchase', 'SQLite purchase', pids);
    const paced = RATE > 0 ? await load(seeded, 'purchase', `SQLite purchase paced at ${RATE}/s`, pids, RATE) : null;
    lines.push(row('Tally SQLite (embedded, one process): POST /v1/pos/purchases', purchase));
    if (OFFERS > 0) {
      await activateOffers(seeded, OFFERS);
      lines.push(row(`Tally SQLite (embedded, one process): POST /v1/pos/purchases, ${OFFERS} active offers`, await load(seeded, 'purchase', `SQLite purchase, ${OFFERS} active offers`, pids)));
    }
    if (paced) lines.push(row(`Tally SQLite (embedded, one process): POST /v1/pos/purchases paced at ${RATE}/s`, paced));
    lines.push(row('Tally SQLite (embedded, one process): GET /v1/pos/cards/:code', lookup));
  } finally {
    await stopProcess(single);
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const lines = [...HEADER];
  if (args.only !== 'sqlite') await benchMysql(lines);
  if (args.only !== 'mysql') await benchSqlite(lines);
  const statements = ['| database | statements per card lookup | statements per purchase | direct mysql2 purchase |', '| --- | ---: | ---: | ---: |'];
  if (args.only !== 'sqlite') {
    const c = await countMysqlStatements(MYSQL_URL, PROGRAM);
    statements.push(`| MySQL | ${c.lookup.toFixed(1)} | ${c.purchase.toFixed(1)} | ${DIRECT_STATEMENTS} |`);
  }
  if (args.only !== 'mysql') {
    const c = await countSqliteStatements(PROGRAM);
    statements.push(`| SQLite | ${c.lookup.toFixed(1)} | ${c.purchase.toFixed(1)} | — |`);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average before ${loadBefore}`;
  process.stdout.write(
    `\n${SECONDS} s per scenario, ${CONNECTIONS} concurrent terminals, ${MEMBERS} members, program '${PROGRAM}'; ${machine}\n\n${lines.join('\n')}\n\nCPU during each scenario:\n${cpuNotes.join('\n')}\n\nSQL statements per request (bench/purchase/statements.ts):\n\n${statements.join('\n')}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
