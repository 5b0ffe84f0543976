/**
 * Forecast run benchmark (issue 11, item 3): a chain's two years of daily
 * sales — by default 50 stores × 100 categories, 20 receipts a store a day of
 * 5 lines each, every category sold in every store every day (5,000 store ×
 * category series, plus the merchant, the stores and the categories) —
 * written set-based straight into a fresh database (SQLite file, or MySQL
 * with --mysql), then one forecast run, timed, with its CPU time and the
 * process's peak RSS.
 *
 *   npx tsx bench/forecasts/run.ts [--stores 50] [--categories 100] [--days 730] [--mysql]
 *
 * Sales follow a weekly pattern per category with ±20 % noise. Run by hand,
 * never in tests.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ForecastRun } from '../../src/forecasts/forecast-run.entity';
import { Merchant } from '../../src/merchants/merchant.entity';
import { Store } from '../../src/merchants/store.entity';
import { Terminal } from '../../src/merchants/terminal.entity';
import { measured, openBenchRuntime } from '../support/runtime';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '50' },
    categories: { type: 'string', default: '100' },
    days: { type: 'string', default: '730' },
    mysql: { type: 'boolean', default: false },
  },
});
const STORES = Number(values.stores);
const CATEGORIES = Number(values.categories);
const DAYS = Number(values.days);
/** Every category once a store a day: receipts × lines per receipt = categories. */
const LINES_PER_RECEIPT = 5;
const RECEIPTS = Math.ceil(CATEGORIES / LINES_PER_RECEIPT);
const AS_OF = '2026-11-30';
const FIRST = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - DAYS * 86_400_000).toISOString().slice(0, 10);
const MILLION = 1_000_000;

/** n = the million's base + six digits; each statement numbers at most a million rows. */
const number = (base: number) => `(a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + ${base})`;
const DIGITS = 'bench_digits a, bench_digits b, bench_digits c, bench_digits e, bench_digits f, bench_digits g';

/**
 * Receipt p: store p % S, k-th of its day (p / S) % R, day p / (S·R). Its
 * line j sells category k·L + j for (40 + 3·category) × the weekday's
 * factor × a pseudo-random 0.8–1.2, in minor units × 10.
 */
function lineAmount(isMysql: boolean, p: string, j: string): string {
  const day = `FLOOR(${p} / ${STORES * RECEIPTS})`;
  const category = `(MOD(FLOOR(${p} / ${STORES}), ${RECEIPTS}) * ${LINES_PER_RECEIPT} + ${j})`;
  const weekday = `MOD(${day}, 7)`;
  const factor = `(CASE ${weekday} WHEN 0 THEN 0.8 WHEN 1 THEN 0.85 WHEN 2 THEN 0.9 WHEN 3 THEN 1.0 WHEN 4 THEN 1.2 WHEN 5 THEN 1.6 ELSE 1.1 END)`;
  // A multiplicative hash of (receipt, line), its high bits: no weekly cycle for the methods to find.
  const noise = `(0.8 + 0.4 * MOD(FLOOR(MOD((${p} * ${LINES_PER_RECEIPT} + ${j}) * 2654435761, 4294967296) / 65536), 1000) / 1000.0)`;
  return `CAST((40 + 3 * ${category}) * 10 * ${factor} * ${noise} AS ${isMysql ? 'SIGNED' : 'INTEGER'})`;
}

function occurred(isMysql: boolean, p: string): string {
  const day = `FLOOR(${p} / ${STORES * RECEIPTS})`;
  const minute = `(480 + MOD(${p}, ${RECEIPTS}) * 30)`;
  return isMysql
    ? `(TIMESTAMP('${FIRST}') + INTERVAL ${day} DAY + INTERVAL ${minute} MINUTE)`
    : `strftime('%Y-%m-%d %H:%M:%f', '${FIRST}', '+' || ${day} || ' days', '+' || ${minute} || ' minutes')`;
}

function purchasesSql(isMysql: boolean, base: number, total: number): string {
  const p = number(base);
  const id = isMysql ? `CONCAT('p-', ${p})` : `'p-' || ${p}`;
  const store = isMysql ? `CONCAT('store-', MOD(${p}, ${STORES}))` : `'store-' || (${p} % ${STORES})`;
  const terminal = isMysql ? `CONCAT('till-', MOD(${p}, ${STORES}))` : `'till-' || (${p} % ${STORES})`;
  const amount = Array.from({ length: LINES_PER_RECEIPT }, (_, j) => lineAmount(isMysql, p, String(j))).join(' + ');
  // One receipt in three is a member's.
  const member = `CASE WHEN MOD(${p}, 3) = 0 THEN 'member' ELSE NULL END`;
  return `INSERT INTO purchases (id, merchant_id, store_id, terminal_id, receipt_number, member_id, occurred_at, recorded_at, total_minor, status, idempotency_key, request_hash)
    SELECT ${id}, 'bench-merchant', ${store}, ${terminal}, ${id}, ${member}, ${occurred(isMysql, p)}, ${occurred(isMysql, p)}, ${amount}, 'completed', ${id}, 'bench'
    FROM ${DIGITS} WHERE ${p} < ${total}`;
}

function linesSql(isMysql: boolean, base: number, total: number): string {
  const m = number(base);
  const p = `FLOOR(${m} / ${LINES_PER_RECEIPT})`;
  const j = `MOD(${m}, ${LINES_PER_RECEIPT})`;
  const id = isMysql ? `CONCAT('p-', ${p})` : `'p-' || ${p}`;
  const category = `(MOD(FLOOR(${p} / ${STORES}), ${RECEIPTS}) * ${LINES_PER_RECEIPT} + ${j})`;
  const categoryName = isMysql ? `CONCAT('cat-', LPAD(${category}, 3, '0'))` : `printf('cat-%03d', ${category})`;
  const amount = lineAmount(isMysql, p, j);
  return `INSERT INTO purchase_lines (purchase_id, line_no, merchant_id, sku, category, quantity_milli, unit_price_minor, amount_minor)
    SELECT ${id}, ${j} + 1, 'bench-merchant', ${categoryName}, ${categoryName}, 1000, ${amount}, ${amount}
    FROM ${DIGITS} WHERE ${m} < ${total}`;
}

async function main(): Promise<void> {
  const bench = await openBenchRuntime('forecasts', values.mysql ?? false);
  const { db, services, dataSource } = bench;
  const m = dataSource.manager;
  const now = new Date();
  await m.save(Merchant, { id: 'bench-merchant', name: 'Bench', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB', settings: null, createdAt: now, updatedAt: now });
  for (let s = 0; s < STORES; s++) {
    await m.save(Store, { id: `store-${s}`, merchantId: 'bench-merchant', code: `S${s}`, name: `Store ${s}`, address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
    await m.save(Terminal, { id: `till-${s}`, merchantId: 'bench-merchant', storeId: `store-${s}`, name: 'Till', keyPrefix: `till${s}`, keyHash: 'bench', revokedAt: null, lastSeenAt: null, createdAt: now });
  }
  await m.query('CREATE TABLE bench_digits (d INT)');
  await m.query('INSERT INTO bench_digits (d) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)');

  const purchases = STORES * RECEIPTS * DAYS;
  const lines = purchases * LINES_PER_RECEIPT;
  process.stdout.write(`${bench.target.kind}: ${STORES} stores × ${CATEGORIES} categories, ${DAYS} days from ${FIRST}: ${purchases} receipts, ${lines} lines\n`);
  const generated = await measured(async () => {
    for (let base = 0; base < purchases; base += MILLION) await db.transaction((tx) => tx.query(purchasesSql(db.isMysql, base, purchases)));
    for (let base = 0; base < lines; base += MILLION) await db.transaction((tx) => tx.query(linesSql(db.isMysql, base, lines)));
  });
  process.stdout.write(`generated: ${generated.seconds.toFixed(1)} s\n`);
  if (db.isMysql) await m.query('ANALYZE TABLE purchases, purchase_lines');
  else await m.query('ANALYZE');

  const run = await services.forecastRuns.requestRun('bench-merchant', { asOf: AS_OF }, 'request', now);
  const load = loadavg();
  const cpu = process.cpuUsage();
  const ran = await measured(() => services.forecastRuns.run(run.id));
  const used = process.cpuUsage(cpu);
  const done = await m.findOneByOrFail(ForecastRun, { id: run.id });
  process.stdout.write(
    `forecast run: ${ran.seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU (this process), peak RSS ${ran.rssMb.toFixed(0)} MB, heap ${ran.heapMb.toFixed(0)} MB; status ${done.status}, ${done.series} series\n`,
  );
  process.stdout.write(`summary: ${JSON.stringify(done.summary)}\n`);
  process.stdout.write(`load average before the run: ${load.map((x) => x.toFixed(1)).join(' ')}; after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  await bench.close();
}

void main();
