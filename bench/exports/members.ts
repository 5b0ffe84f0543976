/**
 * Members CSV export benchmark (issue 13, item 4): seeds N members into a
 * fresh SQLite file (or MySQL with --mysql), then streams the members CSV
 * through the exports service into a sink that counts bytes, sampling the
 * process's peak RSS and heap; for comparison, the same members read whole
 * with one query (what the export must not do), measured after it.
 *
 *   npx tsx bench/exports/members.ts [--members 100000] [--mysql]
 *
 * Run by hand, never in tests. MySQL uses BENCH_MYSQL_URL (default
 * root@127.0.0.1:3306, a new database per run, dropped at the end).
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { newId } from '../../src/db/ids';
import { Member } from '../../src/members/member.entity';
import { Merchant } from '../../src/merchants/merchant.entity';
import { measured, openBenchRuntime } from '../support/runtime';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, mysql: { type: 'boolean', default: false } } });
const MEMBERS = Number(values.members);



async function main(): Promise<void> {
  const bench = await openBenchRuntime('export', values.mysql);
  const { target, dataSource, db, services } = bench;
  const now = new Date();
  const merchant = await dataSource.manager.save(Merchant, { id: newId(), name: 'Bench', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB', settings: null, createdAt: now, updatedAt: now });
  const seeded = await measured(async () => {
    for (let i = 0; i < MEMBERS; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, MEMBERS - i) }, (_, j) => {
        const n = i + j;
        return {
          id: newId(now.getTime() + n),
          merchantId: merchant.id,
          memberNumber: String(100000000 + n),
          firstName: n % 3 ? `First${n}` : `สมชาย${n}`,
          lastName: `Last${n}`,
          externalId: null,
          phone: `+4479${String(10000000 + n).slice(-8)}`,
          email: `m${n}@example.test`,
          birthDate: null,
          locale: null,
          status: 'active' as const,
          statusReason: null,
          tierOverride: null,
          mergedIntoId: null,
          enrolledAt: now,
          enrolledStoreId: null,
          enrolledBy: 'import' as const,
          deletionRequestedAt: null,
          createdAt: now,
          updatedAt: now,
        };
      });
      await db.transaction((tx) => tx.insert(Member, rows));
    }
  });
  process.stdout.write(`${target.kind}, ${MEMBERS} members seeded in ${seeded.seconds.toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  global.gc?.();
  const idle = process.memoryUsage();
  process.stdout.write(`before the export: RSS ${(idle.rss / 2 ** 20).toFixed(0)} MB, heap ${(idle.heapUsed / 2 ** 20).toFixed(0)} MB\n`);

  let bytes = 0;
  let lines = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, callback) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
      callback();
    },
  });
  const principal = { kind: 'staff' as const, merchantId: merchant.id, userId: newId(), role: 'owner' as const, storeIds: null };
  const streamed = await measured(() => services.dataExports.csv(principal, 'members', sink));
  process.stdout.write(
    `streamed CSV: ${streamed.seconds.toFixed(1)} s (${Math.round(MEMBERS / streamed.seconds)} rows/s), ${(bytes / 2 ** 20).toFixed(1)} MB, ${lines - 1} rows; peak RSS ${streamed.rssMb.toFixed(0)} MB, heap ${streamed.heapMb.toFixed(0)} MB\n`,
  );
  global.gc?.();
  const whole = await measured(async () => (await dataSource.manager.find(Member, { where: { merchantId: merchant.id } })).length);
  process.stdout.write(`whole table read at once (for comparison): ${whole.seconds.toFixed(1)} s, ${whole.result} rows; peak RSS ${whole.rssMb.toFixed(0)} MB, heap ${whole.heapMb.toFixed(0)} MB\n`);
  await bench.close();
}

void main();
