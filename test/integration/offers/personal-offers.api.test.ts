import type { Server } from 'node:http';
import request from 'supertest';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, type Enrolled } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Personal offers (issue 9 item 4): given to chosen members, activated in the portal when asked, listed at the card scan and applied by the till on their own. */
describeEachDb('personal offers', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let ana: Enrolled;
  let ben: Enrolled;
  const member = (m: Enrolled) => bearer(tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: m.memberId }));
  const evaluate = (body: Record<string, unknown>) => request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send(body).expect(200);
  const scan = async (m: Enrolled) => (await request(server).get(`/v1/pos/cards/${m.cardNumber}`).set(bearer(a.tokens.terminal)).expect(200)).body.offers as { id: string }[];
  const milk = (m: Enrolled) => ({ memberId: m.memberId, lines: [line('MILK', 'dairy', 2000, 150)] });

  async function activeOffer(body: Record<string, unknown>): Promise<string> {
    const id = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(201)).body.id as string;
    await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200);
    return id;
  }

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
    ben = await enrol(server, a, 'Ben');
  });
  afterAll(() => closeServer(server));

  it('applies an offer given to a member only once she has activated it, and never to another member', async () => {
    const id = await activeOffer({ name: 'Milk half price for you', trigger: 'personal', activationRequired: true, mechanic: { kind: 'percent_off', target: { skus: ['MILK'] }, percent: 50 } });
    expect((await request(server).get(`/v1/offers/${id}`).set(bearer(a.tokens.manager)).expect(200)).body).toMatchObject({ trigger: 'personal', activationRequired: true });
    const given = await request(server).post(`/v1/offers/${id}/members`).set(bearer(a.tokens.manager)).send({ memberIds: [ana.memberId, ana.memberId] }).expect(200);
    expect(given.body).toEqual({ added: 1, members: 1 });

    // Given, not yet activated: the portal shows it, the till does not apply it.
    const mine = await request(server).get('/v1/me/offers').set(member(ana)).expect(200);
    expect(mine.body).toEqual({ offers: [expect.objectContaining({ id, name: 'Milk half price for you', activationRequired: true, activatedAt: null, usable: false })], coupons: [] });
    expect(await scan(ana)).toEqual([]);
    expect((await evaluate(milk(ana))).body).toMatchObject({ discountMinor: 0, appliedOffers: [] });
    // Chosen by its id before activation: refused with a reason.
    expect((await evaluate({ ...milk(ana), offerIds: [id] })).body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason: 'NOT_GIVEN_TO_MEMBER' })]);

    const activated = await request(server).post(`/v1/me/offers/${id}/activate`).set(member(ana)).expect(200);
    expect(activated.body).toMatchObject({ id, usable: true, activatedAt: expect.any(String) });
    // Activating again keeps the first time.
    expect((await request(server).post(`/v1/me/offers/${id}/activate`).set(member(ana)).expect(200)).body.activatedAt).toBe(activated.body.activatedAt);
    expect(await scan(ana)).toEqual([expect.objectContaining({ id, trigger: 'personal' })]);
    const sale = await commit(server, a, milk(ana)).expect(201);
    expect(sale.body.purchase.discountMinor).toBe(150);
    expect(sale.body.appliedOffers).toEqual([expect.objectContaining({ offerId: id })]);

    // Ben was not given it: not on his scan, not applied, not even when the till names it, and not his to activate.
    expect(await scan(ben)).toEqual([]);
    expect((await evaluate({ ...milk(ben), offerIds: [id] })).body).toMatchObject({ discountMinor: 0, skippedOffers: [expect.objectContaining({ reason: 'NOT_GIVEN_TO_MEMBER' })] });
    await request(server).post(`/v1/me/offers/${id}/activate`).set(member(ben)).expect(404);
    // Anonymous: nothing.
    expect((await evaluate({ lines: milk(ana).lines })).body.discountMinor).toBe(0);
    await request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200);
    expect((await request(server).get('/v1/me/offers').set(member(ana)).expect(200)).body.offers).toEqual([]);
  });

  it('gives an offer without activation to a segment’s members, and refuses what does not fit', async () => {
    const segment = (await request(server).post('/v1/segments').set(bearer(a.tokens.owner)).send({ name: 'Regulars' }).expect(201)).body.id as string;
    await rt().services.segments.replaceMembers(a.merchant.id, segment, new Set([ben.memberId]));
    const id = await activeOffer({ name: 'Ben’s milk', trigger: 'personal', mechanic: { kind: 'amount_off', target: { skus: ['MILK'] }, amountMinor: 50, per: 'basket' } });
    expect((await request(server).post(`/v1/offers/${id}/members`).set(bearer(a.tokens.manager)).send({ segmentId: segment }).expect(200)).body).toEqual({ added: 1, members: 1 });
    expect((await evaluate(milk(ben))).body).toMatchObject({ discountMinor: 50, appliedOffers: [expect.objectContaining({ offerId: id })] });
    expect((await evaluate(milk(ana))).body.discountMinor).toBe(0);

    const other = await createMerchantFixture(rt());
    const stranger = await enrol(server, other, 'Cy');
    const bad = await request(server).post(`/v1/offers/${id}/members`).set(bearer(a.tokens.manager)).send({ memberIds: [ana.memberId, stranger.memberId] }).expect(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'body.memberIds.1' })]);
    await request(server).post(`/v1/offers/${id}/members`).set(bearer(a.tokens.manager)).send({}).expect(400);
    await request(server).post(`/v1/offers/${id}/members`).set(bearer(other.tokens.manager)).send({ memberIds: [stranger.memberId] }).expect(404);
    const automatic = await activeOffer({ name: 'Everyone', mechanic: { kind: 'percent_off', percent: 1 } });
    const notPersonal = await request(server).post(`/v1/offers/${automatic}/members`).set(bearer(a.tokens.manager)).send({ memberIds: [ana.memberId] }).expect(400);
    expect(notPersonal.body.error.details).toEqual([expect.objectContaining({ path: 'params.offerId' })]);
    const activation = await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send({ name: 'No', activationRequired: true, mechanic: { kind: 'percent_off', percent: 1 } }).expect(400);
    expect(activation.body.error.details).toEqual([expect.objectContaining({ path: 'body.activationRequired' })]);
    for (const offer of [id, automatic]) await request(server).post(`/v1/offers/${offer}/end`).set(bearer(a.tokens.owner)).expect(200);
  });
});
