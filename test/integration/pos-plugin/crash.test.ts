import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { TallyTerminal } from '../../../pos-plugin/src/terminal';
import { testDialects } from '../../support/test-runtime';
import { tempDir } from './support/fixtures';
import { TallyServer } from './support/tally-server';

const CHILD = join(__dirname, 'support/journal-child.ts');

/** Runs the child POS and SIGKILLs it `delayMs` after `until` matches its output; resolves with everything it printed. */
function runAndKill(args: string[], until: (out: string) => boolean, delayMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    // node with tsx as a loader, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (until(out)) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' || out.includes('replayed') ? resolve(out) : reject(new Error(`child ended without being killed: ${err}`))));
  });
}

for (const dialect of testDialects()) {
  describe(`pos-plugin: POS process killed during journal writes and replay [${dialect}]`, () => {
    let server: TallyServer;
    beforeAll(async () => {
      server = await TallyServer.create(dialect);
    }, 120_000);
    afterAll(async () => {
      await server?.destroy();
    }, 60_000);

    it('keeps every acknowledged sale, leaves no torn entry, and replays each exactly once', async () => {
      const fx = await server.merchantWithTerminalKey();
      const file = join(tempDir('crash'), 'journal.sqlite');
      const out = await runAndKill(['write', file, 'K'], (o) => (o.match(/^ack /gm)?.length ?? 0) >= 150);
      expect(out).not.toContain('finished');
      const acked = Array.from(out.matchAll(/^ack (\d+)$/gm), (m) => Number(m[1]));
      expect(acked.length).toBeGreaterThanOrEqual(150);

      // The file is intact and holds an unbroken run of sales from the first: every acknowledged one, plus any whose ack was still in the pipe.
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      let journal = OfflineJournal.open(file);
      const entries = journal.list({ limit: 100_000 });
      journal.close();
      expect(entries.length).toBeGreaterThanOrEqual(acked.length);
      expect(entries.length).toBeLessThan(1000);
      expect(entries.map((e) => e.receiptNumber)).toEqual(entries.map((_, n) => `K-${n}`));

      // Killed again halfway through a replay: some entries sent, maybe one sent without being marked.
      await runAndKill(['replay', file, server.url, fx.apiKey], (o) => o.includes('replaying'), 400);

      journal = OfflineJournal.open(file);
      const till = new TallyTerminal({ serverUrl: server.url, apiKey: fx.apiKey, journal, timeoutMs: 2000 });
      const report = await till.replayJournal({ ignoreBackoff: true });
      expect(report).toMatchObject({ rejected: 0, pending: 0, lastError: null });
      expect(report.sent).toBeGreaterThan(0);
      expect(journal.summary(new Date())).toMatchObject({ pending: 0, rejected: 0, sent: entries.length });
      journal.close();

      const rows: { receipt_number: string; n: number | string }[] = await server.runtime.db.manager.query(
        'SELECT receipt_number, COUNT(*) AS n FROM purchases WHERE merchant_id = ? GROUP BY receipt_number',
        [fx.merchant.id],
      );
      expect(rows).toHaveLength(entries.length);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    }, 120_000);
  });
}
