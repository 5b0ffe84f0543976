/**
 * History import benchmark (issue 10, item 1): generated members and
 * purchases files streamed through the import service on a fresh SQLite file
 * (or MySQL with --mysql), the time of each and the process's peak RSS and
 * heap while it runs. The files are generated as streams, so the figures
 * show what the import holds, not the file.
 *
 *   npx tsx bench/imports/run.ts [--members 20000] [--lines 20000] [--mysql]
 *
 * Run by hand, never in tests (the brief: benches under 60 s on the shared
 * machine). MySQL uses BENCH_MYSQL_URL (default root@127.0.0.1:3306, a new
 * database per run, dropped at the end).
 */
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Merchant } from '../../src/merchants/merchant.entity';
import { Store } from '../../src/merchants/store.entity';
import { measured, openBenchRuntime } from '../support/runtime';

const { values } = parseArgs({ options: { members: { type: 'string', default: '20000' }, lines: { type: 'string', default: '20000' }, mysql: { type: 'boolean', default: false } } });
const MEMBERS = Number(values.members);
const LINES = Number(values.lines);
/** Lines per receipt in the generated purchases file. */
const PER_RECEIPT = 4;

function* membersFile(): Generator<string> {
  yield 'externalId,firstName,lastName,phone,email,marketingEmail,openingPoints\n';
  for (let i = 0; i < MEMBERS; i++) yield `M${i},First${i},Last${i},+4479${String(10000000 + i).slice(-8)},m${i}@example.test,${i % 2 ? 'yes' : 'no'},${i % 7}\n`;
}

function* purchasesFile(): Generator<string> {
  yield 'receiptNumber,occurredAt,store,customerId,sku,category,quantity,unitPrice\n';
  const start = Date.UTC(2022, 0, 1);
  for (let i = 0; i < LINES; i++) {
    const receipt = Math.floor(i / PER_RECEIPT);
    const when = new Date(start + receipt * 600_000).toISOString().slice(0, 19).replace('T', ' ');
    const customer = receipt % 5 === 0 ? '' : `M${receipt % MEMBERS}`;
    yield `R${receipt},${when},BENCH,${customer},SKU${i % 300},cat${i % 12},${1 + (i % 3)},${(1 + (i % 50)).toFixed(2)}\n`;
  }
}



async function main(): Promise<void> {
  const bench = await openBenchRuntime('import', values.mysql);
  const { target, dataSource, services } = bench;
  const now = new Date();
  const merchant = await dataSource.manager.save(Merchant, { id: 'bench-merchant', name: 'Bench', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB', settings: null, createdAt: now, updatedAt: now });
  await dataSource.manager.save(Store, { id: 'bench-store', merchantId: merchant.id, code: 'BENCH', name: 'Bench', address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
  const actor = { merchantId: merchant.id, principal: null };
  const options = { mapping: {}, dryRun: false };

  process.stdout.write(`${target.kind}, ${MEMBERS} members, ${LINES} purchase lines (${Math.ceil(LINES / PER_RECEIPT)} receipts)\n`);
  const m = await measured(() => services.imports.importMembers(actor, Readable.from(membersFile()), options));
  process.stdout.write(`members:   ${m.seconds.toFixed(1)} s (${Math.round(MEMBERS / m.seconds)} rows/s), peak RSS ${m.rssMb.toFixed(0)} MB, heap ${m.heapMb.toFixed(0)} MB; ${JSON.stringify({ ...m.result, errors: m.result.errors.length })}\n`);
  const p = await measured(() => services.imports.importPurchases(actor, Readable.from(purchasesFile()), { ...options, awardPoints: false }));
  process.stdout.write(`purchases: ${p.seconds.toFixed(1)} s (${Math.round(LINES / p.seconds)} lines/s), peak RSS ${p.rssMb.toFixed(0)} MB, heap ${p.heapMb.toFixed(0)} MB; ${JSON.stringify({ ...p.result, errors: p.result.errors.length })}\n`);
  const again = await measured(() => services.imports.importPurchases(actor, Readable.from(purchasesFile()), { ...options, awardPoints: false }));
  process.stdout.write(`again:     ${again.seconds.toFixed(1)} s, ${again.result.created} created, ${again.result.existing} existing\n`);
  await bench.close();
}

void main();
