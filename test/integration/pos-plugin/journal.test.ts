import { statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../pos-plugin/src/cli';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { backoffMs, judge } from '../../../pos-plugin/src/replay';
import { testDialects } from '../../support/test-runtime';
import { tempDir } from './support/fixtures';
import { TallyServer } from './support/tally-server';

const body = (receiptNumber: string) => ({ receiptNumber, occurredAt: '2026-11-23T10:00:00Z', lines: [{ sku: 'x', quantity: 1000, unitPriceMinor: 100 }] });

describe('offline journal file', () => {
  it('keeps entries in order, one per idempotency key, across reopening', () => {
    const file = join(tempDir('journal'), 'j.sqlite');
    const t0 = new Date('2026-11-23T10:00:00Z');
    let journal = OfflineJournal.open(file);
    const a = journal.append({ idempotencyKey: 'key-aaaaaaaa', body: body('A'), now: t0 });
    const again = journal.append({ idempotencyKey: 'key-aaaaaaaa', body: body('A'), now: t0 });
    journal.append({ idempotencyKey: 'key-bbbbbbbb', body: body('B'), now: new Date(t0.getTime() + 1000) });
    expect(again.id).toBe(a.id);
    journal.close();
    journal = OfflineJournal.open(file);
    expect(journal.list().map((e) => e.receiptNumber)).toEqual(['A', 'B']);
    expect(journal.summary(new Date(t0.getTime() + 5000))).toEqual({ pending: 2, oldestPendingAgeMs: 5000, lastError: null, rejected: 0, sent: 0 });

    journal.deferred(a.id, 'Tally server unreachable (ECONNREFUSED)', new Date(t0.getTime() + 2000));
    expect(journal.head()).toMatchObject({ id: a.id, attempts: 1, lastError: 'Tally server unreachable (ECONNREFUSED)' });
    journal.markRejected(a.id, '422 OCCURRED_AT_OUT_OF_WINDOW: too old', { status: 422, body: { error: { code: 'OCCURRED_AT_OUT_OF_WINDOW' } } }, t0);
    expect(journal.head()?.receiptNumber).toBe('B');
    expect(journal.summary(t0)).toMatchObject({ pending: 1, rejected: 1 });
    expect(journal.retry(a.id, t0)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(journal.head()?.receiptNumber).toBe('A'); // back in its original place
    journal.discard(a.id, t0);
    expect(journal.get(a.id)?.status).toBe('discarded');
    const b = journal.head();
    journal.markSent(b!.id, { status: 201, body: { purchase: { id: 'p' } } }, t0);
    expect(() => journal.discard(b!.id, t0)).toThrow(/already sent/);
    expect(journal.summary(t0)).toEqual({ pending: 0, oldestPendingAgeMs: null, lastError: null, rejected: 0, sent: 1 });
    journal.close();
  });

  it('backs off exponentially with jitter, capped at five minutes', () => {
    expect(backoffMs(0, () => 0)).toBe(500);
    expect(backoffMs(0, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 1)).toBe(8000);
    expect(backoffMs(40, () => 1)).toBe(300_000);
    expect(backoffMs(40, () => 0)).toBe(150_000);
  });

  it('judges answers: 2xx sent, 5xx/408/429 retried, other 4xx set aside', () => {
    expect(judge({ status: 200, body: {}, serverDate: null }).kind).toBe('sent');
    expect(judge({ status: 201, body: {}, serverDate: null }).kind).toBe('sent');
    for (const status of [500, 502, 503, 408, 429]) expect(judge({ status, body: null, serverDate: null }).kind).toBe('retry');
    expect(judge({ status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT', message: 'used' } }, serverDate: null })).toEqual({ kind: 'rejected', reason: '409 IDEMPOTENCY_CONFLICT: used' });
  });
});

for (const dialect of testDialects()) {
  describe(`tally-pos CLI [${dialect}]`, () => {
    let server: TallyServer;
    beforeAll(async () => {
      server = await TallyServer.create(dialect);
    }, 120_000);
    afterAll(async () => {
      await server?.destroy();
    }, 60_000);

    it('configures (key file 0600), reports status, and lists, retries and discards journal entries', async () => {
      const fx = await server.merchantWithTerminalKey();
      const dir = tempDir('cli');
      const config = join(dir, 'config.json');
      const run = async (...args: string[]) => {
        const lines: string[] = [];
        const code = await main([...args, '--config', config], (l) => lines.push(l));
        return { code, out: lines.join('\n') };
      };
      expect((await run('configure', '--server', server.url, '--key', fx.apiKey)).code).toBe(0);
      expect(statSync(config).mode & 0o777).toBe(0o600);
      const ok = await run('status');
      expect(ok).toMatchObject({ code: 0, out: expect.stringMatching(/online, terminal "Till 1"[\s\S]*0 pending, 0 rejected, 0 sent/) });

      const journal = OfflineJournal.open(join(dir, 'journal.sqlite'));
      const good = journal.append({ idempotencyKey: 'cli-good-1', body: { ...body('CLI-1'), occurredAt: new Date().toISOString() }, now: new Date() });
      const monthAgo = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
      const old = journal.append({ idempotencyKey: 'cli-old-1', body: { ...body('CLI-OLD'), occurredAt: monthAgo }, now: new Date() });
      journal.markRejected(good.id, 'pretend refusal', { status: 400, body: null }, new Date());
      expect((await run('journal', 'list')).out).toMatch(/CLI-1[\s\S]*CLI-OLD/);
      expect(await run('journal', 'list', '--status', 'rejected')).toMatchObject({ out: expect.not.stringMatching(/CLI-OLD/) });
      // retry sends it now; the other pending entry is too old for the server and is set aside with the reason.
      const retried = await run('journal', 'retry', String(good.id));
      expect(retried).toMatchObject({ code: 0, out: expect.stringMatching(/entry \d+: sent/) });
      expect(journal.get(old.id)).toMatchObject({ status: 'rejected', lastError: expect.stringMatching(/^422 OCCURRED_AT_OUT_OF_WINDOW/) });
      expect((await run('status')).code).toBe(1); // a rejected entry needs attention
      expect((await run('journal', 'discard', String(old.id))).code).toBe(0);
      expect(journal.get(old.id)?.status).toBe('discarded');
      journal.close();

      expect(await run('scan', '4006381333932')).toMatchObject({ code: 1, out: expect.stringMatching(/check digit/) });
      expect(await run('scan', '4006381333931')).toMatchObject({ code: 1, out: expect.stringMatching(/local check ok[\s\S]*CARD_NOT_FOUND/) });
    });
  });
}
