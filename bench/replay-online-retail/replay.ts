/**
 * A real retailer's year through the POS plugin (issue 4): streams
 * online-retail.csv.gz and replays it through the plugin SDK into a fresh
 * Tally server, then checks that sales, returns and points reconcile to the
 * source totals.
 *
 *   npx tsx bench/replay-online-retail/replay.ts [--limit N] [--concurrency 8] [--database-url mysql://…]
 *
 * - customers are enrolled as members (through the till) the first time they appear;
 * - anonymous invoices become anonymous purchases;
 * - "C" invoices become returns against the customer's earlier purchase that
 *   holds the same stock code at the same price with enough quantity left;
 *   what cannot be matched (no customer, original before the file starts,
 *   manual/discount/postage codes) is counted, not sent;
 * - "A" bad-debt adjustments are not till sales and are skipped;
 * - sale lines with a quantity ≤ 0, a negative price or a price with more
 *   than two decimals are skipped and counted.
 * The server accepts offline sales up to 14 days old, so the 2010–2011 sales
 * are recorded at replay time; the receipt number is the invoice number
 * (invoices over 500 lines are split into `<invoice>-2`, …).
 *
 * Runs the embedded single-process server (src/main.ts) on a fresh SQLite
 * file by default. Traffic goes to 127.0.0.1 only.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { newTerminalKey } from '../../src/auth/secrets';
import { loadConfig, type Config } from '../../src/config';
import { Terminal } from '../../src/merchants/terminal.entity';
import { openRuntime } from '../../src/runtime';
import { createMerchantFixture } from '../../test/support/factories';
import type { TestRuntime } from '../../test/support/test-runtime';
import { OfflineJournal } from '../../pos-plugin/src/journal';
import { TallyTerminal } from '../../pos-plugin/src/terminal';
import { freePort, stopProcess, waitForReady } from '../purchase/server';
import { readInvoices, type SourceInvoice } from './source';
import { Replayer, type Tally } from './replayer';

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'database-url': { type: 'string' },
    file: { type: 'string', default: resolve(__dirname, '../../../shared/data/online-retail.csv.gz') },
  },
});
const LIMIT = args.limit ? Number(args.limit) : Infinity;
const CONCURRENCY = Number(args.concurrency);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-replay-'));
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: args['database-url'] ?? `sqlite:${join(dataDir, 'tally.sqlite')}`,
    JWT_SECRET: 'replay-bench-secret-replay-bench-secret',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...env, NODE_ENV: 'development' });
  const setup = await prepare(config);
  const port = await freePort();
  const serverLog = join(dataDir, 'server.log');
  const server = startServer({ ...env, PORT: String(port) }, serverLog);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(base);
    const journal = OfflineJournal.open(join(dataDir, 'pos-journal.sqlite'));
    const till = new TallyTerminal({ serverUrl: base, apiKey: setup.apiKey, journal, timeoutMs: 30_000 });
    await till.signIn();
    const replayer = new Replayer(till, CONCURRENCY);
    out(`replaying ${args.file}${Number.isFinite(LIMIT) ? ` (first ${LIMIT} invoices)` : ''} with ${CONCURRENCY} concurrent requests into ${config.database.kind}`);
    const started = performance.now();
    let read = 0;
    for await (const invoice of readInvoices(args.file) as AsyncGenerator<SourceInvoice>) {
      if (read >= LIMIT) break;
      read++;
      await replayer.submit(invoice);
      if (read % 2000 === 0) out(`  ${read} invoices, ${Math.round(read / ((performance.now() - started) / 1000))}/s`);
    }
    await replayer.drain();
    // Anything journalled during the run (a timeout, a server error) is sent now, in order; give up when it stops moving.
    for (let stalled = 0, last = Infinity; stalled < 10; ) {
      const report = await till.replayJournal({ ignoreBackoff: true });
      if (report.pending === 0) break;
      stalled = report.pending < last ? 0 : stalled + 1;
      last = report.pending;
      out(`  journal: ${report.pending} pending (${report.lastError ?? 'no error'})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const stuck = till.journalStatus();
    if (stuck && stuck.pending > 0) out(`journal still holds ${stuck.pending} sales (last error: ${stuck.lastError}); server log: ${serverLog}`);
    const seconds = (performance.now() - started) / 1000;
    journal.close();
    await stopProcess(server);
    const ok = await check(config, setup.merchantId, replayer.totals(), read, seconds, stuck?.pending ?? 0);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stopProcess(server);
  }
}

/** The embedded single-process server (`npm start`), its log in a file so a server error can be read afterwards. */
function startServer(env: Record<string, string>, logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  return spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src/main.ts')], {
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', log, log],
  });
}

/** A migrated database with a GBP merchant, a store and a terminal with a real API key. */
async function prepare(config: Config): Promise<{ apiKey: string; merchantId: string }> {
  const runtime = await openRuntime(config);
  try {
    await runtime.db.dataSource.runMigrations({ transaction: 'each' });
    const fixture = await createMerchantFixture(runtime as unknown as TestRuntime, { currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB' });
    const key = newTerminalKey();
    await runtime.db.manager.update(Terminal, { id: fixture.terminal.id }, { keyPrefix: key.prefix, keyHash: key.hash });
    return { apiKey: key.apiKey, merchantId: fixture.merchant.id };
  } finally {
    await runtime.close();
  }
}

/** Compares what the server recorded with what the replay sent and the source held. */
async function check(config: Config, merchantId: string, t: Tally, invoices: number, seconds: number, unsent: number): Promise<boolean> {
  const runtime = await openRuntime(config);
  try {
    const q = async (sql: string): Promise<number> => {
      const rows: Record<string, unknown>[] = await runtime.db.manager.query(sql, [merchantId]);
      return Number(Object.values(rows[0])[0] ?? 0);
    };
    const server = {
      receipts: await q('SELECT COUNT(*) FROM purchases WHERE merchant_id = ?'),
      salesMinor: await q('SELECT COALESCE(SUM(total_minor), 0) FROM purchases WHERE merchant_id = ?'),
      returns: await q('SELECT COUNT(*) FROM purchase_returns WHERE merchant_id = ?'),
      refundMinor: await q('SELECT COALESCE(SUM(refund_minor), 0) FROM purchase_returns WHERE merchant_id = ?'),
      pointsEarned: await q('SELECT COALESCE(SUM(points_earned), 0) FROM purchases WHERE merchant_id = ?'),
      pointsReversed: await q('SELECT COALESCE(SUM(points_reversed), 0) FROM purchase_returns WHERE merchant_id = ?'),
      balances: await q('SELECT COALESCE(SUM(available + pending), 0) FROM member_balances WHERE merchant_id = ?'),
      members: await q('SELECT COUNT(*) FROM members WHERE merchant_id = ?'),
    };
    const mismatches = await runtime.services.pointsReconciliation.reconcile(merchantId);
    const gbp = (minor: number) => `£${(minor / 100).toFixed(2)}`;
    out('');
    out(`invoices read            ${invoices} in ${seconds.toFixed(1)} s → ${(invoices / seconds).toFixed(1)} invoices/s, ${(t.requests / seconds).toFixed(1)} requests/s`);
    out(`members enrolled         ${t.members} (server: ${server.members})`);
    out(`sales receipts           ${t.receipts} sent (${t.anonymousReceipts} anonymous), server ${server.receipts}`);
    out(`sales                    source ${gbp(t.salesMinor)}, server ${gbp(server.salesMinor)}`);
    out(`returns                  ${t.returns} sent for ${gbp(t.returnMinor)} (${t.returnLinesMatched} lines), server ${server.returns} for ${gbp(server.refundMinor)}`);
    out(`returns not matched      ${t.returnLinesUnmatched} lines, ${gbp(t.unmatchedReturnMinor)} (no customer, or the sale is not in the file)`);
    out(`skipped                  ${t.adjustments} bad-debt adjustments, ${t.skippedLines} sale lines with quantity ≤ 0 (${gbp(t.skippedMinor)}), ${t.unpriceableLines} lines priced below a penny`);
    out(`source net               ${gbp(t.sourceNetMinor)} = sales − matched returns − unmatched returns + skipped (${gbp(t.salesMinor - t.returnMinor - t.unmatchedReturnMinor + t.skippedMinor)})`);
    out(`points                   earned ${server.pointsEarned}, reversed ${server.pointsReversed}, balances ${server.balances}; ledger mismatches ${mismatches.length}`);
    const checks: [string, boolean][] = [
      ['journal empty (every sale reached the server)', unsent === 0],
      ['receipts', server.receipts === t.receipts],
      ['sales total', server.salesMinor === t.salesMinor],
      ['returns', server.returns === t.returns && server.refundMinor === t.returnMinor],
      ['members', server.members === t.members],
      ['source net adds up', t.sourceNetMinor === t.salesMinor - t.returnMinor - t.unmatchedReturnMinor + t.skippedMinor],
      ['points: balances = earned − reversed', server.balances === server.pointsEarned - server.pointsReversed],
      ['points: ledger reconciles', mismatches.length === 0],
    ];
    for (const [name, ok] of checks) out(`${ok ? 'ok  ' : 'FAIL'}  ${name}`);
    return checks.every(([, ok]) => ok);
  } finally {
    await runtime.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
