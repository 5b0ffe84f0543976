import type { Server } from 'node:http';
import request from 'supertest';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { startJobs } from '../../../src/jobs/start-jobs';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import { Store } from '../../../src/merchants/store.entity';
import { tokenFor, createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { claimCodeIn, closeServer, commit, enrol, line, listen, uniqueKey, writes, type Enrolled } from './till-helpers';

/**
 * The whole till story on the default program: 1 point per 1.00 of eligible
 * spend, floor per receipt, tobacco excluded, 100 points pay 1.00 (minimum
 * and step 100), nothing earned on the part paid with points, no pending
 * period, clawback may go negative, receipts claimable for 14 days.
 */
describeEachDb('till story', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let ana: Enrolled;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    // Store codes are upper-case (the stores API normalises them); the fixture's random code is not.
    a.store.code = a.store.code.toUpperCase();
    await rt().db.manager.update(Store, { id: a.store.id }, { code: a.store.code });
    ana = await enrol(server, a, 'Ana');
  });
  afterAll(() => closeServer(server));

  const groceries = [line('MILK', 'dairy', 2000, 150), line('CIGS', 'tobacco', 1000, 900), line('BANANA', 'fruit', 452, 399)];

  it('documents the till routes, with the Idempotency-Key header, in OpenAPI', async () => {
    const doc = await request(server).get('/openapi.json').expect(200);
    for (const path of ['/v1/pos/cards/{code}', '/v1/pos/members', '/v1/pos/baskets/evaluate', '/v1/pos/purchases', '/v1/pos/purchases/{purchaseId}/returns', '/v1/pos/purchases/{purchaseId}/void']) {
      expect(doc.body.paths[path]).toBeDefined();
    }
    const params = doc.body.paths['/v1/pos/purchases'].post.parameters as { name: string; in: string }[];
    expect(params).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]));
  });

  it('scans the card and shows the member summary', async () => {
    const res = await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(auth(a.tokens.terminal)).expect(200);
    expect(res.body).toMatchObject({
      member: { id: ana.memberId, status: 'active', name: 'Ana' },
      points: { available: 0, pending: 0, expiringSoon: null },
      offers: [],
      tier: null,
    });
    expect(res.body.completeness.score).toBeGreaterThan(0);
    expect(res.body.completeness.missing).toContain('phone');
  });

  it('finds the member by number at the till, and says clearly when nobody matches', async () => {
    const res = await request(server).get(`/v1/pos/members?number=${ana.memberNumber}`).set(auth(a.tokens.terminal)).expect(200);
    expect(res.body).toMatchObject({ member: { id: ana.memberId }, card: null });
    await request(server).get('/v1/pos/members').set(auth(a.tokens.terminal)).expect(400);
    await request(server).get(`/v1/pos/members?number=${ana.memberNumber}&phone=%2B15550100`).set(auth(a.tokens.terminal)).expect(400);
  });

  it('refuses points from an anonymous shopper and offers it cannot apply yet', async () => {
    const anon = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send({ lines: groceries, redeemPoints: 100 }).expect(422);
    expect(anon.body.error.code).toBe('REDEMPTION_NOT_ALLOWED');
    const offer = await request(server)
      .post('/v1/pos/baskets/evaluate')
      .set(auth(a.tokens.terminal))
      .send({ memberId: ana.memberId, lines: groceries, offerIds: ['0190a3b4-1234-7abc-8def-0123456789ab'] })
      .expect(422);
    expect(offer.body.error.code).toBe('OFFER_NOT_APPLICABLE');
  });

  it('evaluates a basket without writing: weighed goods, excluded tobacco, floor per receipt', async () => {
    const before = await writes(rt());
    const res = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send({ cardCode: ana.cardNumber, lines: groceries }).expect(200);
    // 300 + 900 + 180 (0.452 kg × 3.99 = 1.80348 → 1.80); tobacco earns nothing: floor(480 / 100) = 4.
    expect(res.body).toMatchObject({ memberId: ana.memberId, totalMinor: 1380, discountMinor: 0, payableMinor: 1380, pointsToEarn: 4, pointsToRedeem: 0, balanceAfter: 4, appliedOffers: [] });
    expect(res.body.lines.map((l: { amountMinor: number }) => l.amountMinor)).toEqual([300, 900, 180]);
    expect(res.body.receiptText).toEqual(expect.arrayContaining(['Points earned: 4', 'Points balance: 4']));
    expect(await writes(rt())).toEqual(before);
  });

  it('evaluates an anonymous basket to no points', async () => {
    const res = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send({ lines: groceries }).expect(200);
    expect(res.body).toMatchObject({ memberId: null, totalMinor: 1380, pointsToEarn: 0, balanceAfter: null, receiptText: [] });
  });

  it('commits once, replays the same answer, refuses a different body under the same key or receipt', async () => {
    const key = uniqueKey();
    const body = { cardCode: ana.cardNumber, receiptNumber: 'R-0001', occurredAt: new Date().toISOString(), lines: groceries };
    const first = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', key).send(body).expect(201);
    expect(first.body.purchase).toMatchObject({ receiptNumber: 'R-0001', memberId: ana.memberId, totalMinor: 1380, pointsEarned: 4, status: 'completed', programVersion: 0 });
    expect(first.body.purchase.lines).toHaveLength(3);
    expect(first.body.balance).toEqual({ available: 4, pending: 0 });
    expect(first.headers['idempotent-replay']).toBeUndefined();

    const replay = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', key).send(body).expect(200);
    expect(replay.headers['idempotent-replay']).toBe('true');
    expect(replay.body).toEqual(first.body);

    // The till lost the key but resends the receipt: the receipt number identifies it.
    const sameReceipt = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send(body).expect(200);
    expect(sameReceipt.body.purchase.id).toBe(first.body.purchase.id);

    const before = await writes(rt());
    const otherBody = await request(server)
      .post('/v1/pos/purchases')
      .set(auth(a.tokens.terminal))
      .set('Idempotency-Key', key)
      .send({ ...body, lines: [line('MILK', 'dairy', 1000, 150)] })
      .expect(409);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const otherKeySameReceipt = await request(server)
      .post('/v1/pos/purchases')
      .set(auth(a.tokens.terminal))
      .set('Idempotency-Key', uniqueKey())
      .send({ ...body, lines: [line('MILK', 'dairy', 1000, 150)] })
      .expect(409);
    expect(otherKeySameReceipt.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await writes(rt())).toEqual(before);
  });

  it('redeems, returns part after a partial redemption with exact numbers, then voids', async () => {
    // 1000.00 of electronics: 1000 points, balance 1004.
    await commit(server, a, { memberId: ana.memberId, lines: [line('TV', 'electronics', 1000, 100_000)] }).expect(201);
    const basket = { memberId: ana.memberId, lines: [line('WINE', 'drinks', 1000, 1200), line('CHIPS', 'snacks', 2000, 400)], redeemPoints: 500 };
    const evaluated = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send(basket).expect(200);
    // 20.00 basket, 500 points pay 5.00; 15.00 paid in money earns 15 points.
    expect(evaluated.body).toMatchObject({ totalMinor: 2000, pointsToRedeem: 500, redeemValueMinor: 500, payableMinor: 1500, pointsToEarn: 15, balanceAfter: 1004 - 500 + 15 });

    const stale = await commit(server, a, { ...basket, expectedBalance: 999 }).expect(409);
    expect(stale.body.error.code).toBe('BALANCE_CHANGED');

    const sale = await commit(server, a, { ...basket, expectedBalance: 1004 }).expect(201);
    expect(sale.body.purchase).toMatchObject({ pointsRedeemed: 500, redeemValueMinor: 500, payableMinor: 1500, pointsEarned: 15 });
    expect(sale.body.balance.available).toBe(519);
    expect(sale.body.receiptText).toEqual(expect.arrayContaining(['Points redeemed: 500 ($5.00)', 'Points earned: 15', 'Points balance: 519']));
    const linePoints = sale.body.purchase.lines.map((l: { points: number }) => l.points);
    expect(linePoints[0] + linePoints[1]).toBe(15);
    const purchaseId = sale.body.purchase.id as string;

    // Half the chips (1 of 2): 4.00 back of 20.00 (a fifth). Points the chips earned are reversed
    // by floor(chipsPoints × 1/2); a fifth of the 500 redeemed points (100, worth 1.00) come back.
    const key = uniqueKey();
    const returned = await request(server)
      .post(`/v1/pos/purchases/${purchaseId}/returns`)
      .set(auth(a.tokens.terminal))
      .set('Idempotency-Key', key)
      .send({ lines: [{ lineNo: 2, quantity: 1000 }], reason: 'damaged' })
      .expect(201);
    const chipsReversed = Math.floor(linePoints[1] / 2);
    expect(returned.body).toMatchObject({
      purchaseId,
      refundMinor: 400,
      cashRefundMinor: 300,
      pointsReversed: chipsReversed,
      pointsRestored: 100,
      lines: [{ lineNo: 2, quantity: 1000, amountMinor: 400 }],
      balance: { available: 519 - chipsReversed + 100, pending: 0 },
    });
    const replay = await request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', key).send({ lines: [{ lineNo: 2, quantity: 1000 }], reason: 'damaged' }).expect(200);
    expect(replay.body).toEqual(returned.body);

    const tooMuch = await request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ lines: [{ lineNo: 2, quantity: 1001 }] }).expect(422);
    expect(tooMuch.body.error.code).toBe('RETURN_EXCEEDS_PURCHASE');
    const noLine = await request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ lines: [{ lineNo: 9, quantity: 1000 }] }).expect(422);
    expect(noLine.body.error.code).toBe('RETURN_EXCEEDS_PURCHASE');
    const byAmount = await request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 1601 }).expect(422);
    expect(byAmount.body.error.code).toBe('RETURN_EXCEEDS_PURCHASE');

    // The void reverses what is left: 15 − chipsReversed earned, 400 redeemed given back.
    const voidKey = uniqueKey();
    const voided = await request(server).post(`/v1/pos/purchases/${purchaseId}/void`).set(auth(a.tokens.terminal)).set('Idempotency-Key', voidKey).send({ reason: 'wrong member' }).expect(200);
    expect(voided.body).toMatchObject({ purchaseId, status: 'voided', pointsReversed: 15 - chipsReversed, pointsRestored: 400, balance: { available: 1004 } });
    const voidReplay = await request(server).post(`/v1/pos/purchases/${purchaseId}/void`).set(auth(a.tokens.terminal)).set('Idempotency-Key', voidKey).send({ reason: 'wrong member' }).expect(200);
    expect(voidReplay.headers['idempotent-replay']).toBe('true');
    expect(voidReplay.body).toEqual(voided.body);
    const again = await request(server).post(`/v1/pos/purchases/${purchaseId}/void`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({}).expect(409);
    expect(again.body.error.code).toBe('PURCHASE_VOIDED');
    const returnAfterVoid = await request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 100 }).expect(409);
    expect(returnAfterVoid.body.error.code).toBe('PURCHASE_VOIDED');

    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });

  it('returns everything in steps and reverses exactly what was earned', async () => {
    const sale = await commit(server, a, { memberId: ana.memberId, lines: [line('RICE', 'dry', 3000, 333), line('OIL', 'dry', 1000, 701)] }).expect(201);
    // 999 + 701 = 1700 → 17 points.
    expect(sale.body.purchase.pointsEarned).toBe(17);
    const id = sale.body.purchase.id as string;
    const ret = (body: object) => request(server).post(`/v1/pos/purchases/${id}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send(body).expect(201);
    const r1 = await ret({ amountMinor: 333 });
    const r2 = await ret({ lines: [{ lineNo: 1, quantity: 1000 }] });
    const r3 = await ret({ lines: [{ lineNo: 2, quantity: 1000 }] });
    expect(r1.body.refundMinor + r2.body.refundMinor + r3.body.refundMinor).toBeLessThanOrEqual(1700);
    const r4 = await ret({ amountMinor: 1700 - r1.body.refundMinor - r2.body.refundMinor - r3.body.refundMinor });
    const reversed = [r1, r2, r3, r4].map((r) => r.body.pointsReversed as number);
    expect(reversed.every((p) => p >= 0)).toBe(true);
    expect(reversed.reduce((s, p) => s + p, 0)).toBe(17);
    const nothingLeft = await request(server).post(`/v1/pos/purchases/${id}/returns`).set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 1 }).expect(422);
    expect(nothingLeft.body.error.code).toBe('RETURN_EXCEEDS_PURCHASE');
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });

  it('keeps anonymous sales and lets the member claim one later, once', async () => {
    const receiptNumber = uniqueKey('ANON');
    const anon = await commit(server, a, { receiptNumber, lines: [line('BREAD', 'bakery', 1000, 5000)] }).expect(201);
    expect(anon.body.purchase).toMatchObject({ memberId: null, pointsEarned: 0 });
    expect(anon.body.balance).toBeNull();
    const before = (await rt().services.points.summary(a.merchant.id, ana.memberId, new Date())).available;

    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: ana.memberId });
    const claimCode = claimCodeIn(anon.body.receiptText);
    const wrongTotal = await request(server).post('/v1/me/receipt-claims').set(auth(member)).send({ storeCode: a.store.code, receiptNumber, totalMinor: 4999, claimCode }).expect(404);
    expect(wrongTotal.body.error.code).toBe('NOT_FOUND');
    const claimed = await request(server).post('/v1/me/receipt-claims').set(auth(member)).send({ storeCode: a.store.code, receiptNumber, totalMinor: 5000, claimCode: claimCode.toLowerCase() }).expect(201);
    expect(claimed.body.purchase).toMatchObject({ id: anon.body.purchase.id, memberId: ana.memberId, pointsEarned: 50 });
    expect(claimed.body.purchase.claimedAt).not.toBeNull();
    expect(claimed.body.balance.available).toBe(before + 50);
    const twice = await request(server).post('/v1/me/receipt-claims').set(auth(member)).send({ storeCode: a.store.code, receiptNumber, totalMinor: 5000, claimCode }).expect(409);
    expect(twice.body.error.code).toBe('ALREADY_CLAIMED');

    const mine = await request(server).get('/v1/me/purchases').set(auth(member)).expect(200);
    expect(mine.body.items.map((p: { id: string }) => p.id)).toContain(anon.body.purchase.id);
    expect(mine.body.items.every((p: { memberId: string }) => p.memberId === ana.memberId)).toBe(true);
  });

  it('shows purchases in the back office, filtered and paged', async () => {
    const all = await request(server).get('/v1/purchases?limit=2').set(auth(a.tokens.manager)).expect(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.total).toBeGreaterThan(2);
    const hers = await request(server).get(`/v1/members/${ana.memberId}/purchases`).set(auth(a.tokens.cashier)).expect(200);
    expect(hers.body.items.every((p: { memberId: string }) => p.memberId === ana.memberId)).toBe(true);
    const one = await request(server).get(`/v1/purchases/${hers.body.items[0].id}`).set(auth(a.tokens.owner)).expect(200);
    expect(one.body.id).toBe(hers.body.items[0].id);
    const none = await request(server).get(`/v1/purchases?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`).set(auth(a.tokens.owner)).expect(200);
    expect(none.body).toEqual({ items: [], total: 0 });
  });

  it('refreshes the member stats through the outbox, the purchase events and the job queue', async () => {
    const stats = await rt().services.purchases.memberPurchaseStats(a.merchant.id, ana.memberId);
    expect(stats.visits).toBeGreaterThan(0);
    expect(stats.favouriteStoreId).toBe(a.store.id);
    expect(stats.topCategories[0]).toBe('electronics');
    const queued = await rt().db.manager.countBy(OutboxEntry, { merchantId: a.merchant.id, jobName: DISPATCH_EVENT_JOB });
    expect(queued).toBeGreaterThan(0);

    const jobs = await startJobs(rt(), { consume: true, relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    try {
      for (let i = 0; i < 500 && (await rt().services.members.profile(a.merchant.id, ana.memberId)).stats?.visits !== stats.visits; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await jobs.stop();
    }
    const profile = await rt().services.members.profile(a.merchant.id, ana.memberId);
    expect(profile.stats).toMatchObject({ visits: stats.visits, spendMinor: stats.spendMinor, favouriteStoreId: a.store.id });
  });

  it('accepts a till clock 5 minutes ahead, refuses one an hour ahead or a sale older than 14 days', async () => {
    const now = Date.now();
    await commit(server, a, { memberId: ana.memberId, occurredAt: new Date(now + 5 * 60_000).toISOString(), lines: [line('EGG', 'dairy', 1000, 300)] }).expect(201);
    const before = await writes(rt());
    const ahead = await commit(server, a, { memberId: ana.memberId, occurredAt: new Date(now + 3600_000).toISOString(), lines: [line('EGG', 'dairy', 1000, 300)] }).expect(422);
    expect(ahead.body.error.code).toBe('OCCURRED_AT_OUT_OF_WINDOW');
    const old = await commit(server, a, { memberId: ana.memberId, occurredAt: new Date(now - 15 * 24 * 3600_000).toISOString(), lines: [line('EGG', 'dairy', 1000, 300)] }).expect(422);
    expect(old.body.error.code).toBe('OCCURRED_AT_OUT_OF_WINDOW');
    expect(await writes(rt())).toEqual(before);
  });

  it('lets only a terminal record a sale, only managers void from the back office', async () => {
    const staffCommit = await request(server)
      .post('/v1/pos/purchases')
      .set(auth(a.tokens.cashier))
      .set('Idempotency-Key', uniqueKey())
      .send({ storeId: a.store.id, receiptNumber: 'R-STAFF', occurredAt: new Date().toISOString(), lines: [line('A', null, 1000, 100)] })
      .expect(403);
    expect(staffCommit.body.error.code).toBe('FORBIDDEN');
    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: ana.memberId });
    await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(auth(member)).expect(403);

    const sale = await commit(server, a, { memberId: ana.memberId, lines: [line('TEA', 'drinks', 1000, 1000)] }).expect(201);
    const id = sale.body.purchase.id as string;
    await request(server).post(`/v1/pos/purchases/${id}/void`).set(auth(a.tokens.cashier)).set('Idempotency-Key', uniqueKey()).send({}).expect(403);
    await request(server).post(`/v1/pos/purchases/${id}/void`).set(auth(a.tokens.manager)).set('Idempotency-Key', uniqueKey()).send({ reason: 'test' }).expect(200);

    // Staff at the web terminal evaluate for a store they name.
    const noStore = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.cashier)).send({ lines: [line('A', null, 1000, 100)] }).expect(400);
    expect(noStore.body.error.details).toEqual([{ path: 'body.storeId', message: 'required for staff' }]);
    await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.cashier)).send({ storeId: a.store.id, memberId: ana.memberId, lines: [line('A', null, 1000, 100)] }).expect(200);
  });
});
