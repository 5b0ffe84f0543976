import type { Server } from 'node:http';
import request from 'supertest';
import type { DomainEvent } from '../../../src/events/event-types';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { OfferCounter } from '../../../src/offers/offer-counter.entity';
import { OfferUse } from '../../../src/offers/offer-use.entity';
import { offerMergesSubscriber } from '../../../src/offers/offers.subscribers';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey, type Enrolled } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The till applies the merchant's active offers: scan, evaluate, commit, the recorded uses and the report. */
describeEachDb('offers at the till', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let ana: Enrolled;

  async function activeOffer(body: Record<string, unknown>): Promise<string> {
    const id = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(201)).body.id as string;
    await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200);
    return id;
  }
  const end = (id: string) => request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200);
  const evaluate = (body: Record<string, unknown>) => request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send(body).expect(200);

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
  });
  afterAll(() => closeServer(server));

  it('shows the offer on scan, applies it at evaluate and commit, records its use, and earns on what is paid', async () => {
    const id = await activeOffer({ name: '3 for 5.00 Yoghurt', mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 } });
    const scan = await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(bearer(a.tokens.terminal)).expect(200);
    expect(scan.body.offers).toEqual([{ id, name: '3 for 5.00 Yoghurt', trigger: 'automatic', kind: 'multi_buy', endsOn: null }]);

    const basket = { memberId: ana.memberId, lines: [line('YOG', 'dairy', 3000, 200), line('BREAD', 'bakery', 1000, 250)] };
    const priced = await evaluate(basket);
    expect(priced.body).toMatchObject({ totalMinor: 850, discountMinor: 100, payableMinor: 750, skippedOffers: [] });
    // 7.50 paid earns 7 points (1 per 1.00): the discount does not earn.
    expect(priced.body.pointsToEarn).toBe(7);
    expect(priced.body.appliedOffers).toEqual([
      { offerId: id, name: '3 for 5.00 Yoghurt', discountMinor: 100, points: 0, receiptLine: '3 for 5.00 Yoghurt −1.00', lines: [{ lineNo: 1, discountMinor: 100, points: 0 }] },
    ]);
    expect(priced.body.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([100, 0]);
    expect(priced.body.receiptText[0]).toBe('3 for 5.00 Yoghurt −1.00');

    const sale = await commit(server, a, basket).expect(201);
    expect(sale.body.purchase).toMatchObject({ totalMinor: 850, discountMinor: 100, payableMinor: 750, pointsEarned: 7 });
    expect(sale.body.appliedOffers).toEqual(priced.body.appliedOffers);
    const uses = await rt().db.manager.findBy(OfferUse, { offerId: id });
    expect(uses).toEqual([
      expect.objectContaining({ purchaseId: sale.body.purchase.id, memberId: ana.memberId, discountMinor: 100, points: 0, basketTotalMinor: 850, lines: [{ lineNo: 1, discountMinor: 100, points: 0, unitsUsed: 3 }] }),
    ]);
    const report = await request(server).get(`/v1/offers/${id}/report`).set(bearer(a.tokens.manager)).expect(200);
    expect(report.body).toMatchObject({ offerId: id, uses: 1, members: 1, anonymousUses: 0, discountMinor: 100, points: 0, salesMinor: 850 });
    expect((await request(server).get(`/v1/offers/${id}`).set(bearer(a.tokens.manager)).expect(200)).body).toMatchObject({ uses: 1, discountMinor: 100 });

    // Paused: this process drops its cached offers at once.
    await request(server).post(`/v1/offers/${id}/pause`).set(bearer(a.tokens.owner)).expect(200);
    expect((await evaluate(basket)).body).toMatchObject({ discountMinor: 0, appliedOffers: [] });
    expect((await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(bearer(a.tokens.terminal)).expect(200)).body.offers).toEqual([]);
    await end(id);
  });

  it('applies a chosen offer only when the till sends it, and says why one it sent did not apply', async () => {
    const id = await activeOffer({ name: 'Coffee 20% off', trigger: 'chosen', mechanic: { kind: 'percent_off', target: { skus: ['COFFEE'] }, percent: 20 } });
    const coffee = { memberId: ana.memberId, lines: [line('COFFEE', 'drinks', 1000, 500)] };
    expect((await evaluate(coffee)).body).toMatchObject({ discountMinor: 0, appliedOffers: [], skippedOffers: [] });
    expect((await evaluate({ ...coffee, offerIds: [id] })).body).toMatchObject({ discountMinor: 100, appliedOffers: [expect.objectContaining({ offerId: id })] });
    const tea = await evaluate({ memberId: ana.memberId, lines: [line('TEA', 'drinks', 1000, 300)], offerIds: [id] });
    expect(tea.body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'NO_MATCHING_ITEMS' })]);
    await end(id);
  });

  it('keeps a per-member daily limit: the second sale of the day pays full price and says why', async () => {
    const id = await activeOffer({ name: 'Bread 0.50 off', mechanic: { kind: 'amount_off', target: { skus: ['LOAF'] }, amountMinor: 50, per: 'basket' }, limits: { perMember: { uses: 1, period: 'day' } } });
    const loaf = { memberId: ana.memberId, lines: [line('LOAF', 'bakery', 1000, 300)] };
    expect((await commit(server, a, loaf).expect(201)).body.purchase.discountMinor).toBe(50);
    const again = await commit(server, a, loaf).expect(201);
    expect(again.body.purchase.discountMinor).toBe(0);
    expect(again.body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'MEMBER_LIMIT_REACHED' })]);
    expect((await evaluate(loaf)).body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'MEMBER_LIMIT_REACHED' })]);
    // Another member still gets it; an anonymous shopper cannot (the limit needs a member).
    const bo = await enrol(server, a, 'Bo');
    expect((await commit(server, a, { ...loaf, memberId: bo.memberId }).expect(201)).body.purchase.discountMinor).toBe(50);
    const anonymous = await commit(server, a, { lines: loaf.lines }).expect(201);
    expect(anonymous.body).toMatchObject({ purchase: { discountMinor: 0 }, skippedOffers: [expect.objectContaining({ offerId: id, reason: 'MEMBER_REQUIRED' })] });
    await end(id);
  });

  it('gives the use of a voided sale back to the budget in the void itself, once, however often the void is sent', async () => {
    const id = await activeOffer({ name: 'Jam 1.00 off', mechanic: { kind: 'amount_off', target: { skus: ['JAM'] }, amountMinor: 100, per: 'basket' }, limits: { budgetMinor: 100 } });
    const jam = { lines: [line('JAM', 'pantry', 1000, 400)] };
    const first = await commit(server, a, jam).expect(201);
    expect(first.body.purchase.discountMinor).toBe(100);
    expect((await commit(server, a, jam).expect(201)).body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'BUDGET_EXHAUSTED' })]);

    const purchaseId = first.body.purchase.id as string;
    const key = uniqueKey();
    const voidIt = (k: string) => request(server).post(`/v1/pos/purchases/${purchaseId}/void`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', k).send({ reason: 'wrong basket' });
    await voidIt(key).expect(200);
    // Sent again: the same answer (same key), or refused (another key); the budget is given back once.
    await voidIt(key).expect(200);
    await voidIt(uniqueKey()).expect(409);
    expect(await rt().db.manager.findOneByOrFail(OfferCounter, { offerId: id })).toMatchObject({ uses: 0, discountMinor: 0 });
    expect((await request(server).get(`/v1/offers/${id}/report`).set(bearer(a.tokens.owner)).expect(200)).body).toMatchObject({ uses: 0, discountMinor: 0 });
    expect((await commit(server, a, jam).expect(201)).body.purchase.discountMinor).toBe(100);
    await end(id);
  });

  it('counts the uses of a merged duplicate towards the per-member limit of the member kept', async () => {
    const id = await activeOffer({ name: 'Eggs 0.30 off', mechanic: { kind: 'amount_off', target: { skus: ['EGGS'] }, amountMinor: 30, per: 'basket' }, limits: { perMember: { uses: 1, period: 'week' } } });
    const kept = await enrol(server, a, 'Cy');
    const duplicate = await enrol(server, a, 'Cyrus');
    const eggs = { lines: [line('EGGS', 'dairy', 1000, 250)] };
    expect((await commit(server, a, { ...eggs, memberId: duplicate.memberId }).expect(201)).body.purchase.discountMinor).toBe(30);
    await request(server).post(`/v1/members/${duplicate.memberId}/merge`).set(bearer(a.tokens.manager)).send({ intoMemberId: kept.memberId }).expect(200);
    const outbox = await rt().db.manager.find(OutboxEntry, { where: { merchantId: a.merchant.id, jobName: DISPATCH_EVENT_JOB } });
    const merged = outbox.map((r) => r.payload as DomainEvent).filter((e): e is DomainEvent<'member.merged'> => e.type === 'member.merged' && (e.data as { fromMemberId: string }).fromMemberId === duplicate.memberId);
    await offerMergesSubscriber.handle(merged, { offers: rt().services.offers });
    const after = await commit(server, a, { ...eggs, memberId: kept.memberId }).expect(201);
    expect(after.body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'MEMBER_LIMIT_REACHED' })]);
    await end(id);
  });
});
