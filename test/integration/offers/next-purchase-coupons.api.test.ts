import type { Server } from 'node:http';
import request from 'supertest';
import { OfferCode } from '../../../src/offers/offer-code.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey, type Enrolled } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 24 * 3600_000;

/** Next-purchase coupons (issue 9 items 3 and 4): "spend 50 today, 5 off from tomorrow for 7 days", issued by the sale, on its receipt and in the wallet, used once. */
describeEachDb('next-purchase coupons', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let ana: Enrolled;
  let offerId: string;
  const evaluate = (body: Record<string, unknown>) => request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send(body).expect(200);
  const wallet = async () => (await request(server).get('/v1/me/offers').set(bearer(tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: ana.memberId }))).expect(200)).body.coupons;
  const big = (memberId?: string) => ({ ...(memberId ? { memberId } : {}), lines: [line('WINE', 'drinks', 1000, 6000)] });

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
    offerId = (
      await request(server)
        .post('/v1/offers')
        .set(bearer(a.tokens.owner))
        .send({ name: 'Spend 50 today', mechanic: { kind: 'issue_coupon', spendMinor: 5000, coupon: { amountOffMinor: 500, minSpendMinor: 2000, validFromDays: 1, validDays: 7 } } })
        .expect(201)
    ).body.id;
    await request(server).post(`/v1/offers/${offerId}/activate`).set(bearer(a.tokens.owner)).expect(200);
  });
  afterAll(() => closeServer(server));

  it('issues a coupon for the next visit, printed on the receipt and in the wallet; it is refused the same day, applies from the next and only once', async () => {
    // Two days ago: the coupon is valid from yesterday.
    const sale = await commit(server, a, { ...big(ana.memberId), occurredAt: new Date(Date.now() - 2 * DAY).toISOString() }).expect(201);
    expect(sale.body.purchase.discountMinor).toBe(0);
    expect(sale.body.coupons).toEqual([{ code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{10}$/), offerId, amountOffMinor: 500, minSpendMinor: 2000, validFrom: expect.any(String), validUntil: expect.any(String) }]);
    const { code, validFrom, validUntil } = sale.body.coupons[0];
    expect(sale.body.receiptText).toContain(`Coupon code for your next visit: ${code}`);
    expect(sale.body.receiptText[0]).toMatch(/^Spend 50 today: coupon 5\.00 off \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/);
    expect(await wallet()).toEqual([{ code, offerId, offerName: 'Spend 50 today', amountOffMinor: 500, validFrom, validUntil }]);

    // Below its minimum spend it does not apply; above, 5.00 off, and the sale earns no new coupon from the same offer.
    const small = await evaluate({ memberId: ana.memberId, lines: [line('BREAD', 'bakery', 1000, 1500)], codes: [code] });
    expect(small.body.codes).toEqual([expect.objectContaining({ status: 'refused', reason: 'MINIMUM_SPEND_NOT_MET' })]);
    const used = await commit(server, a, { ...big(ana.memberId), codes: [code] }).expect(201);
    expect(used.body.purchase.discountMinor).toBe(500);
    expect(used.body.appliedOffers).toEqual([expect.objectContaining({ offerId, name: 'Spend 50 today: coupon', discountMinor: 500 })]);
    expect(used.body.coupons).toEqual([]);
    expect(await wallet()).toEqual([]);
    expect((await evaluate({ ...big(ana.memberId), codes: [code] })).body.codes).toEqual([expect.objectContaining({ reason: 'CODE_USED' })]);
    // Another member cannot use Ana's coupon.
    const today = await commit(server, a, big(ana.memberId)).expect(201);
    const fresh = today.body.coupons[0].code as string;
    expect((await evaluate({ ...big(ana.memberId), codes: [fresh] })).body.codes).toEqual([expect.objectContaining({ reason: 'CODE_NOT_YET_VALID' })]);
    const ben = await enrol(server, a, 'Ben');
    expect((await evaluate({ ...big(ben.memberId), codes: [fresh] })).body.codes).toEqual([expect.objectContaining({ reason: expect.stringMatching(/CODE_NOT_YET_VALID|CODE_NOT_FOR_MEMBER/) })]);

    // A void of the sale that issued it withdraws an unused coupon.
    await request(server).post(`/v1/pos/purchases/${today.body.purchase.id}/void`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ reason: 'test' }).expect(200);
    expect(await rt().db.manager.countBy(OfferCode, { code: fresh })).toBe(0);
    // The report counts what the coupons cost.
    expect((await request(server).get(`/v1/offers/${offerId}/report`).set(bearer(a.tokens.manager)).expect(200)).body).toMatchObject({ discountMinor: 500 });
  });

  it('gives an anonymous sale a coupon anyone holding the receipt may use', async () => {
    const sale = await commit(server, a, { ...big(), occurredAt: new Date(Date.now() - 2 * DAY).toISOString() }).expect(201);
    const { code } = sale.body.coupons[0];
    expect((await rt().db.manager.findOneByOrFail(OfferCode, { code })).memberId).toBeNull();
    expect((await evaluate({ ...big(ana.memberId), codes: [code] })).body).toMatchObject({ discountMinor: 500, codes: [expect.objectContaining({ status: 'applied' })] });
  });
});
