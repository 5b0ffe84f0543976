import type { Server } from 'node:http';
import request from 'supertest';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, line, listen } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY_MS = 24 * 3600_000;

const dairyTenPercent = { name: '10% off dairy', mechanic: { kind: 'percent_off', target: { categories: ['dairy'] }, percent: 10 } };

/**
 * Simulation before launch: seeded baskets over the last weeks, and answers
 * worked out by hand. The baskets (days before the test runs, lines as
 * quantity × price):
 *   R1  m1   3 days   yoghurt (dairy) 2 × 1.50, bread (bakery) 1 × 2.00   5.00
 *   R2  m1  10 days   bread 1 × 2.00                                      2.00   (m1's first purchase)
 *   R3  m2  20 days   milk (dairy) 1 × 1.20                               1.20
 *   R4  —   40 days   yoghurt 4 × 1.50                                    6.00
 *   R5  m2  70 days   yoghurt 1 × 1.50 (before 8 weeks: not counted, but m2's first purchase)
 */
describeEachDb('offer insights: simulation over past baskets, the report per day', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let server: Server;
  const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

  afterAll(() => closeServer(server));
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    const members = ['externalId,firstName', 'm1,Ann', 'm2,Bob'].join('\n');
    await request(rt().app).post('/v1/imports/members').set(auth(a.tokens.owner)).set('Content-Type', 'text/csv').send(members).expect(200);
    const s = a.store.code;
    const purchases = [
      'receiptNumber,occurredAt,store,customerId,sku,category,quantity,unitPrice',
      `R1,${ago(3)},${s},m1,YOG,dairy,2,1.50`,
      `R1,${ago(3)},${s},m1,BRD,bakery,1,2.00`,
      `R2,${ago(10)},${s},m1,BRD,bakery,1,2.00`,
      `R3,${ago(20)},${s},m2,MLK,dairy,1,1.20`,
      `R4,${ago(40)},${s},,YOG,dairy,4,1.50`,
      `R5,${ago(70)},${s},m2,YOG,dairy,1,1.50`,
    ].join('\n');
    const imported = await request(rt().app).post('/v1/imports/purchases').set(auth(a.tokens.owner)).set('Content-Type', 'text/csv').send(purchases).expect(200);
    expect(imported.body).toMatchObject({ created: 5, failed: 0 });
  });

  it('runs a draft over the last 8 weeks: baskets, members, cost, averages and weeks', async () => {
    const res = await request(rt().app).post('/v1/offers/simulate').set(auth(a.tokens.manager)).send({ offer: dairyTenPercent }).expect(200);
    expect(res.body).toMatchObject({
      weeks: 8,
      baskets: 4,
      members: 2,
      qualifyingBaskets: 3,
      qualifyingMembers: 2,
      // 10% of 3.00 (R1's yoghurt), 1.20 and 6.00
      discountMinor: 30 + 12 + 60,
      points: 0,
      averageBasketMinor: Math.round((500 + 200 + 120 + 600) / 4),
      averageQualifyingBasketMinor: Math.round((500 + 120 + 600) / 3),
    });
    // Week k starts 56 − 7k days ago: R4 (40 days) in week 2, R3 (20) in 5, R2 (10) in 6, R1 (3) in 7.
    expect(res.body.series.map((w: { baskets: number }) => w.baskets)).toEqual([0, 0, 1, 0, 0, 1, 1, 1]);
    expect(res.body.series.map((w: { discountMinor: number }) => w.discountMinor)).toEqual([0, 0, 60, 0, 0, 12, 0, 30]);
    expect(res.body.series.map((w: { qualifyingBaskets: number }) => w.qualifyingBaskets)).toEqual([0, 0, 1, 0, 0, 1, 0, 1]);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(56 * DAY_MS);
  });

  it('takes fewer weeks, and counts a first purchase against all of history', async () => {
    const two = await request(rt().app).post('/v1/offers/simulate').set(auth(a.tokens.owner)).send({ offer: dairyTenPercent, weeks: 2 }).expect(200);
    expect(two.body).toMatchObject({ baskets: 2, qualifyingBaskets: 1, discountMinor: 30, series: [expect.anything(), expect.anything()] });
    // R2 is m1's first purchase; R3 is not m2's (R5, before the period, was).
    const first = { name: 'Welcome 10%', conditions: { firstPurchase: true }, mechanic: { kind: 'percent_off', percent: 10 } };
    const res = await request(rt().app).post('/v1/offers/simulate').set(auth(a.tokens.owner)).send({ offer: first }).expect(200);
    expect(res.body).toMatchObject({ qualifyingBaskets: 1, qualifyingMembers: 1, discountMinor: 20, averageQualifyingBasketMinor: 200 });
  });

  it('runs a saved offer: points cost of a members-only bonus, dates of a future schedule left out', async () => {
    const start = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
    const bonus = {
      name: '50 points on dairy',
      conditions: { schedule: { startsOn: start, endsOn: null, recurrence: null } },
      mechanic: { kind: 'bonus_points', target: { categories: ['dairy'] }, points: 50, per: 'basket' },
    };
    const id = (await request(rt().app).post('/v1/offers').set(auth(a.tokens.owner)).send(bonus).expect(201)).body.id as string;
    const res = await request(rt().app).post(`/v1/offers/${id}/simulate`).set(auth(a.tokens.owner)).send({}).expect(200);
    // R1 and R3 (members' baskets with dairy); R4 is anonymous.
    expect(res.body).toMatchObject({ baskets: 4, qualifyingBaskets: 2, qualifyingMembers: 2, discountMinor: 0, points: 100 });
  });

  it.each([
    ['a percent over 100', { offer: { ...dairyTenPercent, mechanic: { kind: 'percent_off', percent: 150 } } }, 'body.offer.mechanic.percent'],
    ['a schedule ending before it starts', { offer: { ...dairyTenPercent, conditions: { schedule: { startsOn: '2026-05-02', endsOn: '2026-05-01', recurrence: null } } } }, 'body.offer.conditions.schedule.endsOn'],
    ['more than 52 weeks', { offer: dairyTenPercent, weeks: 53 }, 'body.weeks'],
    ['no offer', { weeks: 4 }, 'body.offer'],
  ])('refuses %s with a 400 naming the field', async (_what, body, path) => {
    const res = await request(rt().app).post('/v1/offers/simulate').set(auth(a.tokens.owner)).send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).some((p: string) => p.startsWith(path))).toBe(true);
  });

  it("is for owners and managers, and never runs another merchant's offer or sales", async () => {
    await request(rt().app).post('/v1/offers/simulate').set(auth(a.tokens.cashier)).send({ offer: dairyTenPercent }).expect(403);
    const theirs = (await request(rt().app).post('/v1/offers').set(auth(b.tokens.owner)).send(dairyTenPercent).expect(201)).body.id as string;
    await request(rt().app).post(`/v1/offers/${theirs}/simulate`).set(auth(a.tokens.owner)).send({}).expect(404);
    const own = await request(rt().app).post(`/v1/offers/${theirs}/simulate`).set(auth(b.tokens.owner)).send({}).expect(200);
    expect(own.body).toMatchObject({ baskets: 0, qualifyingBaskets: 0, averageBasketMinor: null, averageQualifyingBasketMinor: null });
  });

  it('reads the sales a page at a time, each basket once, oldest first', async () => {
    const seen: string[] = [];
    const window = { from: new Date(Date.now() - 100 * DAY_MS), to: new Date() };
    for await (const page of rt().services.purchaseBaskets.committedBaskets(a.merchant.id, window, 2)) {
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((p) => `${p.lines.length}:${p.totalMinor}:${p.isFirstPurchase}`));
    }
    expect(seen).toEqual(['1:150:true', '1:600:false', '1:120:false', '1:200:true', '2:500:false']);
  });

  it("gives the report's uses per local day, up to today", async () => {
    const offer = { name: '3 for 5.00 Yoghurt', mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 } };
    const id = (await request(rt().app).post('/v1/offers').set(auth(a.tokens.owner)).send(offer).expect(201)).body.id as string;
    await request(rt().app).post(`/v1/offers/${id}/activate`).set(auth(a.tokens.owner)).expect(200);
    await commit(server, a, { lines: [line('YOG', 'dairy', 3000, 200)] }).expect(201);
    const res = await request(rt().app).get(`/v1/offers/${id}/report/daily?days=7`).set(auth(a.tokens.manager)).expect(200);
    expect(res.body).toMatchObject({ offerId: id, timeZone: 'UTC' });
    expect(res.body.days).toHaveLength(7);
    expect(res.body.days[6]).toEqual({ date: new Date().toISOString().slice(0, 10), uses: 1, discountMinor: 100, points: 0, salesMinor: 600 });
    expect(res.body.days.slice(0, 6).every((d: { uses: number }) => d.uses === 0)).toBe(true);
    await request(rt().app).get(`/v1/offers/${id}/report/daily?days=93`).set(auth(a.tokens.manager)).expect(400);
  });
});
