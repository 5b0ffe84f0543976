import { join } from 'node:path';
import { ean13CheckDigit } from '../../../pos-plugin/src/card-code';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { InvalidCardCodeError, OfflineRedemptionError, TallyApiError } from '../../../pos-plugin/src/errors';
import { TallyTerminal } from '../../../pos-plugin/src/terminal';
import { Terminal } from '../../../src/merchants/terminal.entity';
import { testDialects } from '../../support/test-runtime';
import { basket, tempDir, uniquePhone } from './support/fixtures';
import { TallyServer } from './support/tally-server';

for (const dialect of testDialects()) {
  describe(`pos-plugin SDK against a real server [${dialect}]`, () => {
    let server: TallyServer;
    let apiKey: string;
    let journal: OfflineJournal;
    let till: TallyTerminal;

    beforeAll(async () => {
      server = await TallyServer.create(dialect);
      ({ apiKey } = await server.merchantWithTerminalKey());
      journal = OfflineJournal.open(join(tempDir('sdk'), 'journal.sqlite'));
      till = new TallyTerminal({ serverUrl: server.url, apiKey, journal, timeoutMs: 2000 });
    }, 120_000);
    afterAll(async () => {
      journal?.close();
      await server?.destroy();
    }, 60_000);

    it('signs in with the API key, enrols a member and finds them by card, phone and number', async () => {
      const info = await till.signIn();
      expect(info.name).toBe('Till 1');
      const phone = uniquePhone();
      const enrolled = await till.enrolMember({ firstName: 'Ada', lastName: 'Lovelace', phone, consents: { marketingEmail: false } });
      expect(enrolled.card).toBeTruthy();
      const byCard = await till.lookupCard(enrolled.card.number);
      expect(byCard.member.id).toBe(enrolled.member.id);
      expect((await till.lookupPhone(phone)).member.id).toBe(enrolled.member.id);
      expect((await till.lookupMemberNumber(enrolled.member.memberNumber)).member.id).toBe(enrolled.member.id);
    });

    it('stops a misread card at the till and passes server refusals on with their codes', async () => {
      await expect(till.lookupCard('4006381333932')).rejects.toBeInstanceOf(InvalidCardCodeError);
      const unknown = await till.lookupCard(`299999999999${ean13CheckDigit('299999999999')}`).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(TallyApiError);
      expect(unknown).toMatchObject({ status: 404, code: 'CARD_NOT_FOUND' });
      // Refused by the local schema check, before the server or the journal sees it.
      const bad = await till.commitPurchase({ receiptNumber: 'bad receipt', lines: [] }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(journal.summary(new Date()).pending).toBe(0);
    });

    it('evaluates a basket and records the purchase once, however often it is retried', async () => {
      const member = await till.enrolMember({ firstName: 'Grace', phone: uniquePhone(), consents: {} });
      const sale = basket('S-1001', { memberId: member.member.id });
      const evaluation = await till.evaluateBasket({ memberId: member.member.id, lines: sale.lines });
      expect(evaluation.totalMinor).toBe(1240);
      const first = await till.commitPurchase(sale);
      expect(first.status).toBe('recorded');
      if (first.status !== 'recorded') return;
      expect(first.receipt.purchase.totalMinor).toBe(1240);
      expect(first.receipt.purchase.pointsEarned).toBe(evaluation.pointsToEarn);
      const again = await till.commitPurchase({ ...sale, occurredAt: first.receipt.purchase.occurredAt, idempotencyKey: first.idempotencyKey });
      expect(again).toMatchObject({ status: 'recorded', receipt: { purchase: { id: first.receipt.purchase.id } } });
      // The same receipt number with different content is a conflict, not a second sale.
      const clash = await till.commitPurchase(basket('S-1001')).catch((e: unknown) => e);
      expect(clash).toMatchObject({ status: 409, code: 'IDEMPOTENCY_CONFLICT' });
    });

    it('returns and voids recorded purchases', async () => {
      const sale = await till.commitPurchase(basket('S-2001'));
      if (sale.status !== 'recorded') throw new Error('expected the sale online');
      const ret = await till.returnPurchase(sale.receipt.purchase.id, { lines: [{ lineNo: 1, quantity: 1000 }], reason: 'damaged' });
      expect(ret.refundMinor).toBe(120);
      const other = await till.commitPurchase(basket('S-2002'));
      if (other.status !== 'recorded') throw new Error('expected the sale online');
      const voided = await till.voidPurchase(other.receipt.purchase.id, { reason: 'wrong basket' });
      expect(voided.status).toBe('voided');
    });

    it('journals earn-only sales while the server is down, refuses redemptions, and replays them once it is back', async () => {
      await server.stop();
      const queued = await till.commitPurchase(basket('OFF-1'));
      expect(queued.status).toBe('queued');
      await expect(till.commitPurchase(basket('OFF-2', { redeemPoints: 100 }))).rejects.toBeInstanceOf(OfflineRedemptionError);
      const status = till.journalStatus();
      expect(status).toMatchObject({ pending: 1, rejected: 0 });
      expect(status?.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);

      const whileDown = await till.replayJournal({ ignoreBackoff: true });
      expect(whileDown).toMatchObject({ sent: 0, pending: 1 });
      expect(whileDown.lastError).toMatch(/unreachable/);
      expect(till.journalStatus()?.lastError).toMatch(/unreachable/);

      await server.start();
      const replayed = await till.replayJournal({ ignoreBackoff: true });
      expect(replayed).toMatchObject({ sent: 1, rejected: 0, pending: 0 });
      const entry = journal.list({ status: 'sent' }).find((e) => e.receiptNumber === 'OFF-1');
      expect(entry?.responseStatus).toBe(201);
    });

    it('sets aside a journalled sale the server refuses for good, and reports it', async () => {
      // The journalled sale reuses a recorded receipt number with other lines: the server answers 409.
      await server.stop();
      const queued = await till.commitPurchase(basket('S-1001', { lines: [{ sku: 'tea', quantity: 1000, unitPriceMinor: 300 }] }));
      expect(queued.status).toBe('queued');
      await server.start();
      const report = await till.replayJournal({ ignoreBackoff: true });
      expect(report).toMatchObject({ sent: 0, rejected: 1, pending: 0 });
      expect(till.journalStatus()?.rejected).toBe(1);
      const [rejected] = journal.list({ status: 'rejected' });
      expect(rejected.lastError).toMatch(/^409 IDEMPOTENCY_CONFLICT/);
      // Not retried on its own.
      expect((await till.replayJournal({ ignoreBackoff: true })).rejected).toBe(0);
    });

    it('records sales from a till whose clock is minutes off, online and offline', async () => {
      for (const offsetMin of [15, -7]) {
        const skewed = new TallyTerminal({ serverUrl: server.url, apiKey, journal, timeoutMs: 2000, clock: () => new Date(Date.now() + offsetMin * 60_000) });
        const online = await skewed.commitPurchase(basket(`CLK${offsetMin}-1`));
        if (online.status !== 'recorded') throw new Error('expected the sale online');
        expect(Math.abs(new Date(online.receipt.purchase.occurredAt).getTime() - Date.now())).toBeLessThan(5000);

        await server.stop();
        const offline = await skewed.commitPurchase(basket(`CLK${offsetMin}-2`));
        expect(offline.status).toBe('queued');
        if (offline.status === 'queued') expect(Math.abs(new Date(offline.occurredAt).getTime() - Date.now())).toBeLessThan(5000);
        await server.start();
        expect(await skewed.replayJournal({ ignoreBackoff: true })).toMatchObject({ sent: 1, pending: 0 });
      }
    });

    it('renews its token on a 401 once, and reports a revoked terminal clearly', async () => {
      const fresh = await server.merchantWithTerminalKey();
      const other = new TallyTerminal({ serverUrl: server.url, apiKey: fresh.apiKey, timeoutMs: 2000 });
      await other.signIn();
      await server.runtime.db.manager.update(Terminal, { id: fresh.terminal.id }, { revokedAt: new Date() });
      // The token is refused (401), the SDK signs in again once, and that answer is what the POS gets.
      const err = await other.lookupMemberNumber('1').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 401, code: 'TERMINAL_REVOKED' });
    });
  });
}
