import type { Server } from 'node:http';
import request from 'supertest';
import { tokenFor, createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { claimCodeIn, closeServer, commit, enrol, line, listen, uniqueKey } from '../pos/till-helpers';

/** Issue 15, finding 4: a member guessed an anonymous receipt's total in 451 tries and got its points. */
describeEachDb('receipt claims cannot be guessed', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  async function anonymousSale(totalMinor: number) {
    const receiptNumber = uniqueKey('ANON');
    const sale = await commit(server, a, { receiptNumber, lines: [line('BREAD', 'bakery', 1000, totalMinor)] }).expect(201);
    return { receiptNumber, claimCode: claimCodeIn(sale.body.receiptText), id: sale.body.purchase.id as string };
  }

  async function memberToken(name: string) {
    const m = await enrol(server, a, name);
    return { memberId: m.memberId, token: tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: m.memberId }) };
  }

  it('prints a claim code under an anonymous sale and needs it with the total', async () => {
    const sale = await anonymousSale(3000);
    expect(sale.claimCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const { token } = await memberToken('Holder');
    const claim = (body: Record<string, unknown>) => request(server).post('/v1/me/receipt-claims').set(auth(token)).send({ storeCode: a.store.code, receiptNumber: sale.receiptNumber, totalMinor: 3000, ...body });
    const missing = await claim({ claimCode: undefined }).expect(400);
    expect(missing.body.error.details[0].path).toBe('body.claimCode');
    await claim({ claimCode: 'AAAA-AAAA' }).expect(404);
    const other = await anonymousSale(3000);
    await claim({ claimCode: other.claimCode }).expect(404);
    // Typed as read: lower case, no dash.
    const claimed = await claim({ claimCode: sale.claimCode.toLowerCase().replace('-', '') }).expect(201);
    expect(claimed.body.purchase.id).toBe(sale.id);
  });

  it('stops a member guessing totals and codes, before anything is checked', async () => {
    const sale = await anonymousSale(4321);
    const { token } = await memberToken('Guesser');
    const statuses: number[] = [];
    for (let total = 4316; total <= 4326; total++) {
      const res = await request(server).post('/v1/me/receipt-claims').set(auth(token)).send({ storeCode: a.store.code, receiptNumber: sale.receiptNumber, totalMinor: total, claimCode: 'ZZZZ-ZZZZ' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429, 429, 429, 429, 429]);
    // Even the right answer is refused now: counted before the check.
    const right = await request(server).post('/v1/me/receipt-claims').set(auth(token)).send({ storeCode: a.store.code, receiptNumber: sale.receiptNumber, totalMinor: 4321, claimCode: sale.claimCode });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
  });

  it('limits claims per member across receipts, and per receipt across members', async () => {
    const { token } = await memberToken('Sprayer');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await request(server).post('/v1/me/receipt-claims').set(auth(token)).send({ storeCode: a.store.code, receiptNumber: `SPRAY-${i}`, totalMinor: 100, claimCode: 'ZZZZ-ZZZZ' })).status);
    }
    expect(statuses.filter((s) => s === 429)).toEqual([429]);

    const sale = await anonymousSale(777);
    const perReceipt: number[] = [];
    for (let i = 0; i < 6; i++) {
      const other = await memberToken(`Crowd${i}`);
      perReceipt.push((await request(server).post('/v1/me/receipt-claims').set(auth(other.token)).send({ storeCode: a.store.code, receiptNumber: sale.receiptNumber, totalMinor: 1, claimCode: 'ZZZZ-ZZZZ' })).status);
    }
    expect(perReceipt).toEqual([404, 404, 404, 404, 404, 429]);
  });
});
