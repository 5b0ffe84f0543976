import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DropFolderWatcher, type DropEvent } from '../../../pos-plugin/src/bridge/drop-folder';
import { createBridgeServer, listenBridge } from '../../../pos-plugin/src/bridge/http-bridge';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { TallyTerminal } from '../../../pos-plugin/src/terminal';
import { testDialects } from '../../support/test-runtime';
import { basket, tempDir, uniquePhone } from './support/fixtures';
import { TallyServer } from './support/tally-server';

for (const dialect of testDialects()) {
  describe(`pos-plugin bridge: local HTTP and drop folder [${dialect}]`, () => {
    let server: TallyServer;
    let journal: OfflineJournal;
    let till: TallyTerminal;
    let bridge: Server;
    let bridgeUrl: string;
    let merchantId: string;

    beforeAll(async () => {
      server = await TallyServer.create(dialect);
      const fx = await server.merchantWithTerminalKey();
      merchantId = fx.merchant.id;
      journal = OfflineJournal.open(join(tempDir('bridge'), 'journal.sqlite'));
      till = new TallyTerminal({ serverUrl: server.url, apiKey: fx.apiKey, journal, timeoutMs: 2000 });
      bridge = createBridgeServer(till);
      bridgeUrl = `http://127.0.0.1:${await listenBridge(bridge, 0)}`;
    }, 120_000);
    afterAll(async () => {
      await new Promise((resolve) => bridge?.close(resolve));
      journal?.close();
      await server?.destroy();
    }, 60_000);

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${bridgeUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      // Loosely typed on purpose: each test first pins the shape with toMatchObject, then reads fields from it.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    const purchasesFor = async (receiptNumber: string): Promise<number> => {
      const rows: { n: number | string }[] = await server.runtime.db.manager.query('SELECT COUNT(*) AS n FROM purchases WHERE merchant_id = ? AND receipt_number = ?', [merchantId, receiptNumber]);
      return Number(rows[0].n);
    };

    it('offers the SDK operations as plain JSON on 127.0.0.1', async () => {
      const enrolled = await call('POST', '/members', { firstName: 'Lin', phone: uniquePhone(), consents: {} });
      expect(enrolled.status).toBe(201);
      const card = enrolled.body.card.number as string;
      const looked = await call('GET', `/cards/${card}`);
      expect(looked).toMatchObject({ status: 200, body: { member: { id: enrolled.body.member.id } } });
      expect((await call('GET', `/members?number=${enrolled.body.member.memberNumber}`)).status).toBe(200);
      expect(await call('GET', '/cards/4006381333932')).toMatchObject({ status: 400, body: { error: { code: 'CARD_INVALID' } } });
      expect(await call('GET', '/members')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });

      const sale = basket('BR-1', { cardCode: card });
      const evaluated = await call('POST', '/baskets/evaluate', { cardCode: card, lines: sale.lines });
      expect(evaluated).toMatchObject({ status: 200, body: { totalMinor: 1240 } });
      const recorded = await call('POST', '/purchases', sale, { 'Idempotency-Key': 'pos-vendor-BR-1' });
      expect(recorded).toMatchObject({ status: 201, body: { status: 'recorded', idempotencyKey: 'pos-vendor-BR-1' } });
      // The POS retries with its key (its own clock time included): the same sale comes back.
      const retried = await call('POST', '/purchases', { ...sale, occurredAt: recorded.body.receipt.purchase.occurredAt }, { 'Idempotency-Key': 'pos-vendor-BR-1' });
      expect(retried.body.receipt.purchase.id).toBe(recorded.body.receipt.purchase.id);
      expect(await purchasesFor('BR-1')).toBe(1);

      const purchaseId = recorded.body.receipt.purchase.id as string;
      expect(await call('POST', `/purchases/${purchaseId}/returns`, { amountMinor: 100 })).toMatchObject({ status: 201, body: { refundMinor: 100 } });
      expect(await call('POST', `/purchases/${purchaseId}/void`, {})).toMatchObject({ status: 200, body: { status: 'voided' } });

      expect(await call('POST', '/purchases', '{"receiptNumber":')).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_JSON' } } });
      expect(await call('POST', '/purchases', { receiptNumber: 'BR-2', lines: [] })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
      expect(await call('GET', '/nothing')).toMatchObject({ status: 404, body: { error: { code: 'ROUTE_NOT_FOUND' } } });
    });

    it('answers 202 queued while the server is down, 409 for a redemption, and replays on request', async () => {
      await server.stop();
      const queued = await call('POST', '/purchases', basket('BR-OFF-1'));
      expect(queued).toMatchObject({ status: 202, body: { status: 'queued' } });
      expect(await call('POST', '/purchases', basket('BR-OFF-2', { redeemPoints: 50 }))).toMatchObject({ status: 409, body: { error: { code: 'OFFLINE_REDEMPTION' } } });
      expect(await call('GET', '/cards/4006381333931')).toMatchObject({ status: 503, body: { error: { code: 'TALLY_UNAVAILABLE' } } });
      expect((await call('GET', '/status')).body.journal).toMatchObject({ pending: 1 });
      await server.start();
      expect(await call('POST', '/journal/replay')).toMatchObject({ status: 200, body: { sent: 1, pending: 0 } });
      expect(await purchasesFor('BR-OFF-1')).toBe(1);
    });

    it('ingests dropped files: good ones to done/, malformed and conflicting ones to failed/ with a reason, duplicates once', async () => {
      const inbox = tempDir('inbox');
      const events: DropEvent[] = [];
      const watcher = new DropFolderWatcher({ inbox, terminal: till, stableMs: 0, onEvent: (e) => events.push(e) });
      const at = new Date(Date.now() - 60_000).toISOString();
      const csv = ['receipt_number,occurred_at,sku,category,description,quantity,unit_price', `F-1,${at},milk,dairy,Milk,2,1.20`, `F-1,${at},apples,fruit,Apples,0.452,2.99`, `F-2,${at},bread,,,1,2.10`].join('\n');
      const json = JSON.stringify({ receiptNumber: 'F-3', occurredAt: at, lines: [{ sku: 'tea', quantity: 1000, unitPriceMinor: 300 }] });
      writeFileSync(join(inbox, 'day.csv'), csv);
      writeFileSync(join(inbox, 'f3.json'), json);
      writeFileSync(join(inbox, 'f3-again.json'), json);
      writeFileSync(join(inbox, 'broken.csv'), 'receipt_number,occurred_at,sku,quantity,unit_price\nF-9,yesterday,x,1,1');
      writeFileSync(join(inbox, 'broken.json'), '{"receiptNumber": "F-8", ');
      writeFileSync(join(inbox, 'z-clash.json'), JSON.stringify({ receiptNumber: 'F-3', occurredAt: at, lines: [{ sku: 'coffee', quantity: 1000, unitPriceMinor: 900 }] }));
      // Still being written by the POS: the .tmp name is ignored until renamed.
      writeFileSync(join(inbox, 'late.csv.tmp'), 'receipt_number,occurred_at,sku,quantity,unit_price\n');

      expect(await watcher.poll()).toEqual([]); // first sight: nothing is read until the size holds still
      await watcher.poll();
      const byFile = Object.fromEntries(events.map((e) => [e.file, e]));
      expect(byFile['day.csv']).toMatchObject({ kind: 'done', receipts: [{ receiptNumber: 'F-1', status: 'recorded' }, { receiptNumber: 'F-2', status: 'recorded' }] });
      expect(byFile['f3.json']).toMatchObject({ kind: 'done' });
      expect(byFile['f3-again.json']).toMatchObject({ kind: 'done' });
      expect(byFile['broken.csv']).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/occurredAt/) });
      expect(byFile['broken.json']).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/not valid JSON/) });
      expect(byFile['z-clash.json']).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/IDEMPOTENCY|already used/) });
      expect(byFile['late.csv.tmp']).toBeUndefined();

      expect(readdirSync(join(inbox, 'done')).sort()).toEqual(['day.csv', 'f3-again.json', 'f3.json']);
      expect(readdirSync(join(inbox, 'failed')).sort()).toEqual(['broken.csv', 'broken.csv.reason.txt', 'broken.json', 'broken.json.reason.txt', 'z-clash.json', 'z-clash.json.reason.txt']);
      expect(readFileSync(join(inbox, 'failed', 'z-clash.json.reason.txt'), 'utf8')).toMatch(/receipt F-3/);
      expect(existsSync(join(inbox, 'late.csv.tmp'))).toBe(true);
      for (const r of ['F-1', 'F-2', 'F-3']) expect(await purchasesFor(r)).toBe(1);
      expect(await purchasesFor('F-8')).toBe(0);

      // The same file dropped again later (same name): recorded once, kept beside the first in done/.
      writeFileSync(join(inbox, 'day.csv'), csv);
      await watcher.poll();
      await watcher.poll();
      expect(readdirSync(join(inbox, 'done')).sort()).toEqual(['day.2.csv', 'day.csv', 'f3-again.json', 'f3.json']);
      expect(await purchasesFor('F-1')).toBe(1);
    });

    it('waits for a file that is still growing, and keeps files while the server is down', async () => {
      const inbox = tempDir('inbox-grow');
      const watcher = new DropFolderWatcher({ inbox, terminal: till, stableMs: 0 });
      const at = new Date().toISOString();
      writeFileSync(join(inbox, 'grow.csv'), 'receipt_number,occurred_at,sku,quantity,unit_price\n');
      await watcher.poll();
      writeFileSync(join(inbox, 'grow.csv'), `receipt_number,occurred_at,sku,quantity,unit_price\nG-1,${at},x,1,1.00\n`);
      expect(await watcher.poll()).toEqual([]); // size changed since last look
      await server.stop();
      // With a journal the sale is taken offline and the file is done.
      const [offline] = await watcher.poll();
      expect(offline).toMatchObject({ kind: 'done', receipts: [{ receiptNumber: 'G-1', status: 'queued' }] });
      await server.start();
      await till.replayJournal({ ignoreBackoff: true });
      expect(await purchasesFor('G-1')).toBe(1);
    });
  });
}
