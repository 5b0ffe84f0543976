import type { Server } from 'node:http';
import request from 'supertest';
import { In } from 'typeorm';
import { OfferCounter } from '../../../src/offers/offer-counter.entity';
import { OfferUse } from '../../../src/offers/offer-use.entity';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, line, listen } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Limits that bind: 50 tills committing at once never pass an offer's budget or its total uses. */
describeEachDb('offer limits under concurrency', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  async function activeOffer(body: Record<string, unknown>): Promise<string> {
    const id = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(201)).body.id as string;
    await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200);
    return id;
  }

  it.each([
    ['a money budget of 10.00 (1.00 off a sale: 10 sales)', 'BUDGET', { budgetMinor: 1000 }, 10, 'BUDGET_EXHAUSTED'],
    ['a total of 7 uses', 'TOTAL', { maxUses: 7 }, 7, 'TOTAL_LIMIT_REACHED'],
  ])('50 parallel commits never pass %s', async (_what, sku, limits, allowed, reason) => {
    const id = await activeOffer({ name: `${sku} 1.00 off`, mechanic: { kind: 'amount_off', target: { skus: [sku] }, amountMinor: 100, per: 'basket' }, limits });
    const results = await Promise.all(Array.from({ length: 50 }, () => commit(server, a, { lines: [line(sku, 'grocery', 1000, 500)] })));
    // Every sale is recorded; only as many as the limit allows get the offer.
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const discounted = results.filter((r) => r.body.purchase.discountMinor === 100);
    expect(discounted).toHaveLength(allowed);
    for (const r of results.filter((r) => r.body.purchase.discountMinor === 0)) expect(r.body.skippedOffers).toEqual([expect.objectContaining({ offerId: id, reason })]);
    expect(await rt().db.manager.countBy(OfferUse, { offerId: id })).toBe(allowed);
    expect(await rt().db.manager.findOneByOrFail(OfferCounter, { offerId: id })).toMatchObject({ uses: allowed, discountMinor: allowed * 100 });
    const ids = results.map((r) => r.body.purchase.id as string);
    expect(await rt().db.manager.sum(Purchase, 'discountMinor', { merchantId: a.merchant.id, id: In(ids) })).toBe(allowed * 100);
    await request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200);
  });
});
