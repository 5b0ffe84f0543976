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
import { parseArgs } from 'node:util';
import { ScoreRun } from '../../src/analytics/score-run.entity';
import { Merchant } from '../../src/merchants/merchant.entity';
import { Store } from '../../src/merchants/store.entity';
import { Terminal } from '../../src/merchants/terminal.entity';
import { measured, openBenchRuntime } from '../support/runtime';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, purchases: { type: 'string', default: '2000000' }, mysql: { type: 'boolean', default: false } } });
const MEMBERS = Number(values.members);
const PURCHASES = Number(values.purchases);
const CHUNK = 500_000;



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
  const bench = await openBenchRuntime('scoring', values.mysql);
  const { target, dataSource, db, services } = bench;
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
  await bench.close();
}

void main();
