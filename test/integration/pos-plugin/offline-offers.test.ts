import { join } from 'node:path';
import { OfflineOfferRefusedError } from '../../../pos-plugin/src/errors';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { TallyTerminal, type CommitOutcome, type CommitPurchaseInput } from '../../../pos-plugin/src/terminal';
import type { BasketEvaluation, PurchaseReceipt } from '../../../src/till/till.schemas';
import { testDialects } from '../../support/test-runtime';
import { tempDir, uniquePhone } from './support/fixtures';
import { TallyServer } from './support/tally-server';

/**
 * Offers offline with the real plugin against a real server (issue 9 item 7):
 * the till keeps the versioned offer set, prices the same baskets offline to
 * the same totals the server gives online, refuses what only the server can
 * keep, journals the applied offers with the sale, and the server records them
 * as printed and flags for the owner what its limits would have refused.
 */
for (const dialect of testDialects()) {
  describe(`offers offline through the plugin [${dialect}]`, () => {
    let server: TallyServer;
    let owner: string;
    let apiKey: string;
    let journal: OfflineJournal;
    let till: TallyTerminal;
    let cardCode: string;
    const ids: Record<string, string> = {};

    async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    }
    async function activeOffer(key: string, body: Record<string, unknown>): Promise<void> {
      ids[key] = (await api<{ id: string }>('POST', '/v1/offers', body)).id;
      await api('POST', `/v1/offers/${ids[key]}/activate`);
    }
    const report = (key: string) => api<{ uses: number; offlineUses: number; flaggedUses: number; flags: { flag: string; discountMinor: number }[] }>('GET', `/v1/offers/${ids[key]}/report`);

    beforeAll(async () => {
      server = await TallyServer.create(dialect);
      const fixture = await server.merchantWithTerminalKey();
      owner = fixture.tokens.owner;
      apiKey = fixture.apiKey;
      journal = OfflineJournal.open(join(tempDir('offers'), 'journal.sqlite'));
      till = new TallyTerminal({ serverUrl: server.url, apiKey, journal, timeoutMs: 2000 });
      cardCode = (await till.enrolMember({ firstName: 'Mia', phone: uniquePhone(), consents: {} })).card.number;
      await activeOffer('yog', { name: '3 for 5.00 Yoghurt', priority: 10, mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 } });
      await activeOffer('dairy', { name: '10% off dairy', mechanic: { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 10 } });
      await activeOffer('soap', { name: 'Soap 3 for 2', mechanic: { kind: 'buy_get', buy: { skus: ['SOAP'] }, buyQuantity: 2, rewardQuantity: 1, percent: 100 } });
      await activeOffer('spend', { name: 'Spend 20, 2 off', priority: -1, mechanic: { kind: 'spend_reward', spendMinor: 2000, reward: { kind: 'amount_off', amountMinor: 200 } } });
      await activeOffer('coffee', { name: 'Coffee half price', trigger: 'chosen', limits: { maxUses: 100 }, mechanic: { kind: 'percent_off', target: { skus: ['COFFEE'] }, percent: 50 } });
    }, 180_000);
    afterAll(async () => {
      journal?.close();
      await server?.destroy();
    }, 60_000);

    it('keeps the offer set and its version, and fetches it again only when the version changes', async () => {
      const first = await till.refreshOffers();
      expect(first.changed).toBe(true);
      const kept = till.keptOffers();
      expect(kept?.version).toBe(first.version);
      expect(kept?.set.offers.map((o) => [o.definition.name, o.offline, o.refusal]).sort()).toEqual([
        ['10% off dairy', 'apply', null],
        ['3 for 5.00 Yoghurt', 'apply', null],
        ['Coffee half price', 'refuse', 'LIMITED'],
        ['Soap 3 for 2', 'apply', null],
        ['Spend 20, 2 off', 'apply', null],
      ]);
      expect(await till.refreshOffers()).toEqual({ version: first.version, changed: false });
      // A till restarted with the same journal file has the set before it reaches the server.
      expect(new TallyTerminal({ serverUrl: server.url, apiKey, journal }).keptOffers()?.version).toBe(first.version);

      await api('POST', `/v1/offers/${ids.spend}/pause`);
      const paused = await till.refreshOffers();
      expect(paused.changed).toBe(true);
      expect(till.keptOffers()?.set.offers.some((o) => o.definition.id === ids.spend)).toBe(false);
      await api('POST', `/v1/offers/${ids.spend}/activate`);
      expect((await till.refreshOffers()).version).toBe(first.version);
    });

    it('prices the same baskets to the same totals offline as online, and the server records the offers as printed', async () => {
      await till.lookupCard(cardCode);
      const baskets: Omit<CommitPurchaseInput, 'receiptNumber'>[] = [
        { lines: [{ sku: 'YOG', category: 'dairy', quantity: 4000, unitPriceMinor: 200 }] },
        { cardCode, lines: [{ sku: 'SOAP', category: 'household', quantity: 5000, unitPriceMinor: 180 }, { sku: 'MILK', category: 'Dairy', quantity: 2000, unitPriceMinor: 119 }] },
        { cardCode, lines: [{ sku: 'YOG', category: 'dairy', quantity: 3000, unitPriceMinor: 210 }, { sku: 'BEEF', category: 'meat', quantity: 1452, unitPriceMinor: 1290 }, { sku: 'SOAP', quantity: 3000, unitPriceMinor: 250 }] },
        { lines: [{ sku: 'CIGS', category: 'tobacco', quantity: 1000, unitPriceMinor: 1150 }, { sku: 'CHEESE', category: 'dairy', quantity: 1000, unitPriceMinor: 990, amountMinor: 900 }] },
        { cardCode, lines: [{ sku: 'BREAD', category: 'bakery', quantity: 1000, unitPriceMinor: 250 }] },
      ];
      const online: BasketEvaluation[] = [];
      for (const b of baskets) online.push(await till.evaluateBasket(b));
      expect(online.some((e) => e.appliedOffers.length >= 2)).toBe(true);

      await server.stop();
      const queued: CommitOutcome[] = [];
      for (const [i, b] of baskets.entries()) queued.push(await till.commitPurchase({ ...b, receiptNumber: `OFFL-${i}` }));
      baskets.forEach((_, i) => {
        const q = queued[i];
        if (q.status !== 'queued' || !q.offers) throw new Error('expected the sale queued with offers priced offline');
        expect({ total: q.offers.totalMinor, discount: q.offers.discountMinor, payable: q.offers.payableMinor }).toEqual({
          total: online[i].totalMinor,
          discount: online[i].discountMinor,
          payable: online[i].payableMinor,
        });
        expect(q.offers.appliedOffers.map((a) => a.receiptLine)).toEqual(online[i].appliedOffers.map((a) => a.receiptLine));
        expect(q.offers.lines.map((l) => l.discountMinor)).toEqual(online[i].lines.map((l) => l.discountMinor));
      });
      // The journal keeps the offers with the sale.
      expect(journal.byKey(queued[0].idempotencyKey)?.body.offline?.appliedOffers.map((a) => a.offerId)).toEqual([ids.yog, ids.dairy]);
      // A limited offer cannot be kept offline: the cashier is told, nothing is journalled.
      const pending = journal.summary(new Date()).pending;
      const refused = await till.commitPurchase({ receiptNumber: 'OFFL-X', offerIds: [ids.coffee], lines: [{ sku: 'COFFEE', quantity: 1000, unitPriceMinor: 600 }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OfflineOfferRefusedError);
      expect((refused as Error).message).toBe('Tally is offline: "Coffee half price" has limits only the server can keep. Take the sale without it or try again when Tally is back.');
      expect(journal.summary(new Date()).pending).toBe(pending);

      await server.start();
      expect(await till.replayJournal({ ignoreBackoff: true })).toMatchObject({ sent: baskets.length, rejected: 0, pending: 0 });
      baskets.forEach((_, i) => {
        const receipt = journal.byKey(queued[i].idempotencyKey)?.response as PurchaseReceipt;
        expect(receipt.purchase).toMatchObject({ totalMinor: online[i].totalMinor, discountMinor: online[i].discountMinor, payableMinor: online[i].payableMinor });
        expect(receipt.purchase.pointsEarned).toBe(online[i].pointsToEarn);
        expect(receipt.receiptText.slice(0, online[i].appliedOffers.length)).toEqual(online[i].appliedOffers.map((a) => a.receiptLine));
      });
      expect(await report('yog')).toMatchObject({ offlineUses: 2, flaggedUses: 0, flags: [] });
    });

    it('flags for the owner an offline use after the offer ended or past its budget', async () => {
      await activeOffer('flash', { name: 'Bread 20% off', mechanic: { kind: 'percent_off', target: { skus: ['BREAD'] }, percent: 20 } });
      await activeOffer('buns', { name: 'Buns 1.00 off', mechanic: { kind: 'amount_off', target: { skus: ['BUN'] }, amountMinor: 100, per: 'basket' } });
      await till.refreshOffers();
      // The back office changes the offers; a till that cannot reach the server keeps its set.
      await api('POST', `/v1/offers/${ids.flash}/end`);
      await api('POST', `/v1/offers/${ids.buns}/pause`);
      await api('PATCH', `/v1/offers/${ids.buns}`, { limits: { budgetMinor: 50 } });
      await api('POST', `/v1/offers/${ids.buns}/activate`);
      const cutOff = new TallyTerminal({ serverUrl: 'http://127.0.0.1:9', apiKey, journal, timeoutMs: 500 });
      const sale = await cutOff.commitPurchase({ receiptNumber: 'OFFL-STALE', lines: [{ sku: 'BREAD', quantity: 1000, unitPriceMinor: 250 }, { sku: 'BUN', quantity: 2000, unitPriceMinor: 80 }] });
      expect(sale).toMatchObject({ status: 'queued', offers: { discountMinor: 150 } });

      expect(await till.replayJournal({ ignoreBackoff: true })).toMatchObject({ sent: 1, rejected: 0 });
      const receipt = journal.byKey(sale.idempotencyKey)?.response as PurchaseReceipt;
      expect(receipt.purchase).toMatchObject({ totalMinor: 410, discountMinor: 150 });
      expect(await report('flash')).toMatchObject({ uses: 1, offlineUses: 1, flaggedUses: 1, flags: [expect.objectContaining({ flag: 'OFFER_ENDED', discountMinor: 50 })] });
      expect(await report('buns')).toMatchObject({ uses: 1, flaggedUses: 1, flags: [expect.objectContaining({ flag: 'OVER_BUDGET', discountMinor: 100 })] });
      // The use counts: the budget is spent for the tills online.
      const online = await till.evaluateBasket({ lines: [{ sku: 'BUN', quantity: 1000, unitPriceMinor: 80 }] });
      expect(online.skippedOffers).toEqual([expect.objectContaining({ offerId: ids.buns, reason: 'BUDGET_EXHAUSTED' })]);
    });
  });
}
