import type { Server } from 'node:http';
import request from 'supertest';
import { OfferCode } from '../../../src/offers/offer-code.entity';
import { OfferUse } from '../../../src/offers/offer-use.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey, type Enrolled } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Coupon codes (issue 9 item 4): public and single-use codes at the till, batches as CSV and sheet, a void giving a code back, 50 tills racing for one code. */
describeEachDb('coupon codes', (rt) => {
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
  const batch = async (offerId: string, body: Record<string, unknown>) =>
    (await request(server).post(`/v1/offers/${offerId}/code-batches`).set(bearer(a.tokens.manager)).send(body).expect(201)).body as { id: string; codes: string[] };
  const coffee = (sku = 'COFFEE') => ({ lines: [line(sku, 'drinks', 1000, 500)] });

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
  });
  afterAll(() => closeServer(server));

  it('applies a public code however often it is used, typed in any case, and says why other codes do not apply', async () => {
    const id = await activeOffer({ name: 'Coffee 1.00 off', trigger: 'code', code: 'coffee-love', mechanic: { kind: 'amount_off', target: { skus: ['COFFEE'] }, amountMinor: 100, per: 'basket' } });
    expect((await request(server).get(`/v1/offers/${id}`).set(bearer(a.tokens.manager)).expect(200)).body).toMatchObject({ trigger: 'code', code: 'COFFEELOVE' });
    // No code: the offer does not apply and is not mentioned; its id alone does not choose it.
    expect((await evaluate(coffee())).body).toMatchObject({ discountMinor: 0, codes: [], skippedOffers: [] });
    expect((await evaluate({ ...coffee(), offerIds: [id] })).body).toMatchObject({ discountMinor: 0, skippedOffers: [expect.objectContaining({ offerId: id, reason: 'CODE_REQUIRED' })] });

    const priced = await evaluate({ ...coffee(), codes: ['Coffee Love', 'NOPE123'] });
    expect(priced.body).toMatchObject({ discountMinor: 100, appliedOffers: [expect.objectContaining({ offerId: id })] });
    expect(priced.body.codes).toEqual([
      { code: 'COFFEELOVE', status: 'applied', offerId: id, reason: null, message: null },
      { code: 'NOPE123', status: 'refused', offerId: null, reason: 'UNKNOWN_CODE', message: 'No offer has this code' },
    ]);
    for (let i = 0; i < 2; i++) expect((await commit(server, a, { ...coffee(), codes: ['coffeelove'] }).expect(201)).body.purchase.discountMinor).toBe(100);
    // The engine's reason when the basket does not qualify.
    expect((await evaluate({ ...coffee('TEA'), codes: ['COFFEELOVE'] })).body.codes).toEqual([expect.objectContaining({ status: 'refused', reason: 'NO_MATCHING_ITEMS' })]);

    // Another offer may not take the same code; a non-code offer may not have one.
    const clash = await request(server)
      .post('/v1/offers')
      .set(bearer(a.tokens.owner))
      .send({ name: 'Clash', trigger: 'code', code: 'COFFEE LOVE', mechanic: { kind: 'percent_off', percent: 5 } })
      .expect(409);
    expect(clash.body.error).toMatchObject({ code: 'ALREADY_EXISTS', details: [{ path: 'body.code' }] });
    const automatic = await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send({ name: 'No', code: 'ABC123', mechanic: { kind: 'percent_off', percent: 5 } }).expect(400);
    expect(automatic.body.error.details).toEqual([expect.objectContaining({ path: 'body.code' })]);

    await end(id);
    expect((await evaluate({ ...coffee(), codes: ['COFFEELOVE'] })).body.codes).toEqual([expect.objectContaining({ status: 'refused', offerId: id, reason: 'OFFER_NOT_ACTIVE' })]);
  });

  it('uses a single-use code once; a void gives it back; the batch downloads as CSV and prints as a sheet with QR codes', async () => {
    const id = await activeOffer({ name: 'Welcome 2.00 off', trigger: 'code', mechanic: { kind: 'amount_off', amountMinor: 200, per: 'basket' } });
    const created = await batch(id, { count: 3, prefix: 'wel-' });
    expect(created.codes).toHaveLength(3);
    for (const code of created.codes) expect(code).toMatch(/^WEL[0-9A-HJKMNP-TV-Z]{10}$/);
    const [first, second] = created.codes;

    const sale = await commit(server, a, { ...coffee(), codes: [first] }).expect(201);
    expect(sale.body.purchase.discountMinor).toBe(200);
    expect(sale.body.codes).toEqual([{ code: first, status: 'applied', offerId: id, reason: null, message: null }]);
    const again = await commit(server, a, { ...coffee(), codes: [first] }).expect(201);
    expect(again.body.purchase.discountMinor).toBe(0);
    expect(again.body.codes).toEqual([expect.objectContaining({ status: 'refused', reason: 'CODE_USED' })]);
    // Two codes of one offer in one basket: the offer applies once and the second code stays unused.
    const two = await commit(server, a, { ...coffee(), codes: [second, created.codes[2]] }).expect(201);
    expect(two.body.codes.map((c: { status: string; reason: string | null }) => c.reason ?? c.status)).toEqual(['applied', 'CODE_REPEATED']);
    expect(await rt().db.manager.findOneByOrFail(OfferCode, { code: created.codes[2] })).toMatchObject({ usedAt: null });

    const list = await request(server).get(`/v1/offers/${id}/code-batches`).set(bearer(a.tokens.manager)).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.id, prefix: 'WEL', count: 3, used: 2 })]);

    await request(server).post(`/v1/pos/purchases/${sale.body.purchase.id}/void`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ reason: 'test' }).expect(200);
    expect(await rt().db.manager.findOneByOrFail(OfferCode, { code: first })).toMatchObject({ usedAt: null, purchaseId: null });
    expect((await evaluate({ ...coffee(), codes: [first] })).body.codes).toEqual([expect.objectContaining({ status: 'applied' })]);

    const csv = await request(server).get(`/v1/offers/${id}/code-batches/${created.id}/codes.csv`).set(bearer(a.tokens.manager)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe('code,used_at,purchase_id');
    expect(rows.slice(1).map((r) => r.split(',')[0]).sort()).toEqual([...created.codes].sort());
    expect(rows.find((r) => r.startsWith(second))).toContain(two.body.purchase.id);

    const sheet = await request(server).get(`/v1/offers/${id}/code-batches/${created.id}/sheet.html`).set(bearer(a.tokens.manager)).expect(200);
    expect(sheet.text.match(/<svg/g)).toHaveLength(3);
    for (const code of created.codes) expect(sheet.text).toContain(code);
    // Another merchant's batch is a 404; the cashier's terminal has no access.
    const b = await createMerchantFixture(rt());
    await request(server).get(`/v1/offers/${id}/code-batches/${created.id}/codes.csv`).set(bearer(b.tokens.manager)).expect(404);
    await request(server).post(`/v1/offers/${id}/code-batches`).set(bearer(a.tokens.terminal)).send({ count: 1 }).expect(403);
    await end(id);
  });

  it('refuses batches for an offer that is not a code offer, and bad bodies with the field named', async () => {
    const id = await activeOffer({ name: 'Automatic', mechanic: { kind: 'percent_off', percent: 5 } });
    const wrong = await request(server).post(`/v1/offers/${id}/code-batches`).set(bearer(a.tokens.manager)).send({ count: 2 }).expect(400);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ path: 'params.offerId' })]);
    const big = await request(server).post(`/v1/offers/${id}/code-batches`).set(bearer(a.tokens.manager)).send({ count: 10_001, prefix: 'a b' }).expect(400);
    expect(big.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.count', 'body.prefix']);
    const badCode = await request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send({ ...coffee(), codes: ['<script>'] }).expect(400);
    expect(badCode.body.error.details).toEqual([expect.objectContaining({ path: 'body.codes.0' })]);
    await end(id);
  });

  it('keeps a personal code to its member', async () => {
    const id = await activeOffer({ name: 'For Ana', trigger: 'code', mechanic: { kind: 'amount_off', amountMinor: 50, per: 'basket' } });
    const [code] = (await batch(id, { count: 1 })).codes;
    await rt().db.manager.update(OfferCode, { code }, { memberId: ana.memberId, validFrom: '2000-01-01', validUntil: '2999-12-31' });
    expect((await evaluate({ ...coffee(), codes: [code] })).body.codes).toEqual([expect.objectContaining({ reason: 'CODE_NOT_FOR_MEMBER' })]);
    expect((await evaluate({ ...coffee(), memberId: ana.memberId, codes: [code] })).body.codes).toEqual([expect.objectContaining({ status: 'applied' })]);
    await rt().db.manager.update(OfferCode, { code }, { validUntil: '2001-01-01' });
    expect((await evaluate({ ...coffee(), memberId: ana.memberId, codes: [code] })).body.codes).toEqual([expect.objectContaining({ reason: 'CODE_EXPIRED' })]);
    await end(id);
  });

  it('50 parallel commits with one single-use code: exactly one gets it', async () => {
    const id = await activeOffer({ name: 'Race 1.00 off', trigger: 'code', mechanic: { kind: 'amount_off', amountMinor: 100, per: 'basket' } });
    const [code] = (await batch(id, { count: 1 })).codes;
    const results = await Promise.all(Array.from({ length: 50 }, () => commit(server, a, { ...coffee(), codes: [code] })));
    // Every sale is recorded; one has the coupon, the others say it was used.
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const winners = results.filter((r) => r.body.purchase.discountMinor === 100);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => r.body.purchase.discountMinor === 0)) expect(r.body.codes).toEqual([expect.objectContaining({ status: 'refused', reason: 'CODE_USED' })]);
    expect(await rt().db.manager.countBy(OfferUse, { offerId: id })).toBe(1);
    expect(await rt().db.manager.findOneByOrFail(OfferCode, { code })).toMatchObject({ purchaseId: winners[0].body.purchase.id });
    await end(id);
  });
});
