import type { Server } from 'node:http';
import request from 'supertest';
import { OfferCode } from '../../../src/offers/offer-code.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, type Enrolled } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The rewards catalogue (issue 9 item 4): a member spends points on a coupon in the portal or at the till; the points and the code go together. */
describeEachDb('rewards catalogue', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let ana: Enrolled;
  let reward: string;
  const me = () => bearer(tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: ana.memberId }));

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
    await request(server).post(`/v1/members/${ana.memberId}/points/adjustments`).set(bearer(a.tokens.owner)).send({ points: 250, reason: 'Welcome gift' }).expect(201);
    reward = (
      await request(server)
        .post('/v1/offers')
        .set(bearer(a.tokens.owner))
        .send({ name: 'Free coffee', trigger: 'code', rewardPoints: 100, mechanic: { kind: 'percent_off', target: { skus: ['COFFEE'] }, percent: 100 } })
        .expect(201)
    ).body.id;
    await request(server).post(`/v1/offers/${reward}/activate`).set(bearer(a.tokens.owner)).expect(200);
  });
  afterAll(() => closeServer(server));

  it('sells a coupon for points in the portal and at the till, in one transaction with the ledger, and the coupon then applies once', async () => {
    expect((await request(server).get('/v1/me/rewards').set(me()).expect(200)).body).toEqual({ items: [{ offerId: reward, name: 'Free coffee', kind: 'percent_off', points: 100, endsOn: null }] });
    const bought = await request(server).post(`/v1/me/rewards/${reward}/buy`).set(me()).expect(201);
    expect(bought.body).toEqual({ code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{10}$/), offerId: reward, name: 'Free coffee', points: 100, available: 150 });
    expect(await rt().db.manager.findOneByOrFail(OfferCode, { code: bought.body.code })).toMatchObject({ memberId: ana.memberId, singleUse: true, usedAt: null });
    expect(await rt().db.manager.findBy(PointEntry, { memberId: ana.memberId, sourceType: 'reward' })).toEqual([expect.objectContaining({ kind: 'redeem', points: -100, sourceId: reward })]);
    const wallet = await request(server).get('/v1/me/offers').set(me()).expect(200);
    expect(wallet.body.coupons).toEqual([expect.objectContaining({ code: bought.body.code, offerName: 'Free coffee', amountOffMinor: null })]);

    // At the till, for the member just scanned.
    expect((await request(server).get('/v1/pos/rewards').set(bearer(a.tokens.terminal)).expect(200)).body.items).toEqual([expect.objectContaining({ offerId: reward, points: 100 })]);
    const atTill = await request(server).post(`/v1/pos/members/${ana.memberId}/rewards/${reward}`).set(bearer(a.tokens.terminal)).expect(201);
    expect(atTill.body).toMatchObject({ points: 100, available: 50 });
    // Not enough points left: 409, and neither points nor a code are taken.
    const codesBefore = await rt().db.manager.countBy(OfferCode, { memberId: ana.memberId });
    const poor = await request(server).post(`/v1/me/rewards/${reward}/buy`).set(me()).expect(409);
    expect(poor.body.error).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect(await rt().db.manager.countBy(OfferCode, { memberId: ana.memberId })).toBe(codesBefore);
    expect(await rt().db.manager.countBy(PointEntry, { memberId: ana.memberId, sourceType: 'reward' })).toBe(2);

    // The coupon: free coffee once, for Ana only.
    const sale = await commit(server, a, { memberId: ana.memberId, lines: [line('COFFEE', 'drinks', 1000, 300)], codes: [bought.body.code] }).expect(201);
    expect(sale.body.purchase.discountMinor).toBe(300);
    const again = await request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send({ memberId: ana.memberId, lines: [line('COFFEE', 'drinks', 1000, 300)], codes: [bought.body.code] }).expect(200);
    expect(again.body.codes).toEqual([expect.objectContaining({ reason: 'CODE_USED' })]);
    const anonymous = await request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send({ lines: [line('COFFEE', 'drinks', 1000, 300)], codes: [atTill.body.code] }).expect(200);
    expect(anonymous.body.codes).toEqual([expect.objectContaining({ reason: 'CODE_NOT_FOR_MEMBER' })]);
  });

  it('refuses what is not a reward, and a reward price on an offer that is not a code offer', async () => {
    const plain = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send({ name: 'Plain', mechanic: { kind: 'percent_off', percent: 5 } }).expect(201)).body.id;
    await request(server).post(`/v1/me/rewards/${plain}/buy`).set(me()).expect(404);
    const other = await createMerchantFixture(rt());
    await request(server).post(`/v1/pos/members/${ana.memberId}/rewards/${reward}`).set(bearer(other.tokens.terminal)).expect(404);
    const wrong = await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send({ name: 'No', rewardPoints: 10, mechanic: { kind: 'percent_off', percent: 5 } }).expect(400);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ path: 'body.rewardPoints' })]);
    await request(server).post(`/v1/pos/members/${ana.memberId}/rewards/${reward}`).set(me()).expect(403);
  });
});
