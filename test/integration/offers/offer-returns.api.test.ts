import type { Server } from 'node:http';
import request from 'supertest';
import { OfferCounter } from '../../../src/offers/offer-counter.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Returns and voids unwind offers (issue 9 item 8): a returned line is
 * refunded at its price after discounts; a partial return that breaks a
 * multi-buy or buy X get Y re-prices what is kept (no free item kept without
 * its qualifying purchase); a void gives the offer's use and budget back at
 * once; points are reversed exactly once however often a return or void is sent.
 */
describeEachDb('returns and voids unwind offers', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  const ids: string[] = [];

  async function activeOffer(body: Record<string, unknown>): Promise<string> {
    const id = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(201)).body.id as string;
    await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200);
    ids.push(id);
    return id;
  }
  const returnLines = (purchaseId: string, lines: { lineNo: number; quantity: number }[], key = uniqueKey()) =>
    request(server).post(`/v1/pos/purchases/${purchaseId}/returns`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', key).send({ lines });
  const voidSale = (purchaseId: string, key = uniqueKey()) =>
    request(server).post(`/v1/pos/purchases/${purchaseId}/void`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', key).send({ reason: 'test' });
  const balanceOf = async (memberId: string) =>
    (await rt().db.manager.findBy(PointEntry, { memberId })).reduce((sum, e) => sum + e.points, 0);

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
  });
  afterEach(async () => {
    for (const id of ids.splice(0)) await request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200);
  });
  afterAll(() => closeServer(server));

  it('refunds a line at its price after discounts, and keeps back the discount two of a "3 for 5.00" no longer earn', async () => {
    await activeOffer({ name: '3 for 5.00 Yoghurt', mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 } });
    const sale = await commit(server, a, { lines: [line('YOG', 'dairy', 3000, 200), line('BREAD', 'bakery', 1000, 250)] }).expect(201);
    expect(sale.body.purchase).toMatchObject({ totalMinor: 850, discountMinor: 100, payableMinor: 750 });
    const id = sale.body.purchase.id as string;

    // One yoghurt back: its allocated price is 2.00 − 0.33 = 1.67, but the two kept now cost 4.00, not 3.33.
    const first = await returnLines(id, [{ lineNo: 1, quantity: 1000 }]).expect(201);
    expect(first.body).toMatchObject({ refundMinor: 100, offerAdjustmentMinor: -67, lines: [{ lineNo: 1, quantity: 1000, amountMinor: 167 }] });
    expect(first.body.receiptText).toEqual(['Offer no longer met by the goods kept: −$0.67']);
    // The bread at its full price (no offer on it); the rest of the yoghurt gives the 0.67 back: 7.50 refunded in all.
    expect((await returnLines(id, [{ lineNo: 2, quantity: 1000 }]).expect(201)).body).toMatchObject({ refundMinor: 250, offerAdjustmentMinor: 0 });
    expect((await returnLines(id, [{ lineNo: 1, quantity: 2000 }]).expect(201)).body).toMatchObject({ refundMinor: 400, offerAdjustmentMinor: 67 });
    const after = await request(server).get(`/v1/purchases/${id}`).set(bearer(a.tokens.manager)).expect(200);
    expect(after.body).toMatchObject({ refundedMinor: 750 });
    expect(after.body.lines.map((l: { returnedAmountMinor: number }) => l.returnedAmountMinor)).toEqual([500, 250]);
    await returnLines(id, [{ lineNo: 1, quantity: 1 }]).expect(422);
  });

  it('keeps no free item without its qualifying purchase, in either order of returns', async () => {
    await activeOffer({ name: 'Bread: buy 1 get 1 free', mechanic: { kind: 'buy_get', buy: { skus: ['BREAD'] }, buyQuantity: 1, rewardQuantity: 1, percent: 100 } });
    for (const paidFirst of [true, false]) {
      const sale = await commit(server, a, { lines: [line('BREAD', 'bakery', 1000, 250), line('BREAD', 'bakery', 1000, 250)] }).expect(201);
      expect(sale.body.purchase).toMatchObject({ totalMinor: 500, discountMinor: 250 });
      const lines = sale.body.purchase.lines as { lineNo: number }[];
      const free = (sale.body.appliedOffers[0].lines as { lineNo: number }[])[0].lineNo;
      const paid = lines.find((l) => l.lineNo !== free)?.lineNo as number;
      const order = paidFirst ? [paid, free] : [free, paid];
      const first = await returnLines(sale.body.purchase.id, [{ lineNo: order[0], quantity: 1000 }]).expect(201);
      // The paid loaf back: the free one kept costs 2.50, which is what was paid; the free loaf back: nothing was paid for it.
      expect(first.body).toMatchObject(paidFirst ? { refundMinor: 0, offerAdjustmentMinor: -250, lines: [{ amountMinor: 250 }] } : { refundMinor: 0, offerAdjustmentMinor: 0, lines: [{ amountMinor: 0 }] });
      const second = await returnLines(sale.body.purchase.id, [{ lineNo: order[1], quantity: 1000 }]).expect(201);
      expect(second.body.refundMinor).toBe(250);
    }
  });

  it('reverses points exactly once, however often a return or a void is sent, also all at once', async () => {
    await activeOffer({ name: 'Cheese 20% off', mechanic: { kind: 'percent_off', target: { skus: ['CHEESE'] }, percent: 20 } });
    const ana = await enrol(server, a, 'Ana');
    const start = await balanceOf(ana.memberId);
    const sale = await commit(server, a, { memberId: ana.memberId, lines: [line('CHEESE', 'dairy', 2000, 1000), line('WINE', 'drinks', 1000, 1200)] }).expect(201);
    // 20.00 of cheese at 16.00 and 12.00 of wine: 28 points on 28.00 paid.
    expect(sale.body.purchase).toMatchObject({ discountMinor: 400, pointsEarned: 28 });
    const id = sale.body.purchase.id as string;

    const key = uniqueKey();
    const once = await returnLines(id, [{ lineNo: 1, quantity: 1000 }], key).expect(201);
    expect(once.body).toMatchObject({ refundMinor: 800, pointsReversed: 8 });
    const again = await returnLines(id, [{ lineNo: 1, quantity: 1000 }], key).expect(200);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.body).toEqual(once.body);
    // Five tills return the last cheese at once: one succeeds, the others find nothing left.
    const racing = await Promise.all(Array.from({ length: 5 }, () => returnLines(id, [{ lineNo: 1, quantity: 1000 }])));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422]);
    expect(await balanceOf(ana.memberId)).toBe(start + 28 - 16);

    const voids = await Promise.all(Array.from({ length: 5 }, () => voidSale(id)));
    expect(voids.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(voids.find((r) => r.status === 200)?.body).toMatchObject({ status: 'voided', pointsReversed: 12 });
    expect(await balanceOf(ana.memberId)).toBe(start);
    const returnsAndVoid = await rt().db.manager.findBy(PointEntry, { memberId: ana.memberId });
    expect(returnsAndVoid.filter((e) => e.points < 0).map((e) => e.points).sort((x, y) => x - y)).toEqual([-12, -8, -8]);
  });

  it('gives a voided sale’s use and budget back at once, and a second void nothing more', async () => {
    const id = await activeOffer({ name: 'Tea 1.00 off', mechanic: { kind: 'amount_off', target: { skus: ['TEA'] }, amountMinor: 100, per: 'basket' }, limits: { budgetMinor: 150, maxUses: 2 } });
    const tea = { lines: [line('TEA', 'drinks', 1000, 400)] };
    const sales = [await commit(server, a, tea).expect(201), await commit(server, a, tea).expect(201)];
    expect(sales.map((s) => s.body.purchase.discountMinor)).toEqual([100, 0]);
    expect(await rt().db.manager.findOneByOrFail(OfferCounter, { offerId: id })).toMatchObject({ uses: 1, discountMinor: 100 });
    const voids = await Promise.all(Array.from({ length: 3 }, () => voidSale(sales[0].body.purchase.id)));
    expect(voids.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await rt().db.manager.findOneByOrFail(OfferCounter, { offerId: id })).toMatchObject({ uses: 0, discountMinor: 0 });
    expect((await commit(server, a, tea).expect(201)).body.purchase.discountMinor).toBe(100);
    const report = await request(server).get(`/v1/offers/${id}/report`).set(bearer(a.tokens.owner)).expect(200);
    expect(report.body).toMatchObject({ uses: 1, discountMinor: 100 });
  });
});
