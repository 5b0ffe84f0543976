import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { DEFAULT_RULES } from '../../../src/rules/program.schemas';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey, writes, type Enrolled } from './till-helpers';

const DAY = 24 * 3600_000;

/** Tenancy, offline replays under old rules, and malformed input that must never write or crash. */
describeEachDb('till guards', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  let ana: Enrolled;
  let anaPurchaseId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    ana = await enrol(server, a, 'Ana');
    anaPurchaseId = (await commit(server, a, { memberId: ana.memberId, lines: [line('MILK', 'dairy', 1000, 2500)] }).expect(201)).body.purchase.id;
  });
  afterAll(() => closeServer(server));

  it("refuses another merchant's card, member and purchase with 404 and writes nothing", async () => {
    const before = await writes(rt());
    const card = await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(auth(b.tokens.terminal)).expect(404);
    expect(card.body.error.code).toBe('CARD_NOT_FOUND');
    const member = await request(server).post('/v1/pos/baskets/evaluate').set(auth(b.tokens.terminal)).send({ memberId: ana.memberId, lines: [line('A', null, 1000, 100)] }).expect(404);
    expect(member.body.error.code).toBe('MEMBER_NOT_FOUND');
    await commit(server, b, { cardCode: ana.cardNumber, lines: [line('A', null, 1000, 100)] }).expect(404);
    await commit(server, b, { memberId: ana.memberId, lines: [line('A', null, 1000, 100)] }).expect(404);
    await request(server).post(`/v1/pos/purchases/${anaPurchaseId}/returns`).set(auth(b.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 100 }).expect(404);
    await request(server).post(`/v1/pos/purchases/${anaPurchaseId}/void`).set(auth(b.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({}).expect(404);
    await request(server).post(`/v1/pos/purchases/${anaPurchaseId}/void`).set(auth(b.tokens.owner)).set('Idempotency-Key', uniqueKey()).send({}).expect(404);
    await request(server).get(`/v1/purchases/${anaPurchaseId}`).set(auth(b.tokens.owner)).expect(404);
    await request(server).get(`/v1/members/${ana.memberId}/purchases`).set(auth(b.tokens.owner)).expect(404);
    const list = await request(server).get('/v1/purchases').set(auth(b.tokens.owner)).expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(anaPurchaseId);
    expect(await writes(rt())).toEqual(before);
    const bMember = await enrol(server, b, 'Bob');
    // Bob's enrolment publishes its own events (outbox rows); what follows writes nothing.
    const enrolled = await writes(rt());
    const bToken = tokenFor(rt(), { kind: 'member', merchantId: b.merchant.id, memberId: bMember.memberId });
    await request(server).get(`/v1/me/purchases/${anaPurchaseId}`).set(auth(bToken)).expect(404);
    await request(server).post('/v1/me/receipt-claims').set(auth(bToken)).send({ storeCode: a.store.code, receiptNumber: 'X1', totalMinor: 2500, claimCode: 'AAAA-AAAA' }).expect(404);
    expect(await writes(rt())).toEqual(enrolled);
  });

  it('records a late offline sale under the program version in force when it happened', async () => {
    const c = await createMerchantFixture(rt());
    const cara = await enrol(server, c, 'Cara');
    const owner = { kind: 'staff' as const, merchantId: c.merchant.id, userId: c.owner.id, role: 'owner' as const, storeIds: null };
    const now = Date.now();
    await rt().services.rules.saveProgram(owner, { rules: DEFAULT_RULES }, new Date(now - 10 * DAY));
    const double = { ...DEFAULT_RULES, earning: { ...DEFAULT_RULES.earning, baseRate: { points: 2, perMinor: 100 } } };
    await rt().services.rules.saveProgram(owner, { rules: double }, new Date(now - DAY));

    const offline = await commit(server, c, { memberId: cara.memberId, occurredAt: new Date(now - 3 * DAY).toISOString(), lines: [line('RICE', 'dry', 1000, 1000)] }).expect(201);
    expect(offline.body.purchase).toMatchObject({ programVersion: 1, pointsEarned: 10 });
    const today = await commit(server, c, { memberId: cara.memberId, lines: [line('RICE', 'dry', 1000, 1000)] }).expect(201);
    expect(today.body.purchase).toMatchObject({ programVersion: 2, pointsEarned: 20 });
    const evaluated = await request(server)
      .post('/v1/pos/baskets/evaluate')
      .set(auth(c.tokens.terminal))
      .send({ memberId: cara.memberId, occurredAt: new Date(now - 3 * DAY).toISOString(), lines: [line('RICE', 'dry', 1000, 1000)] })
      .expect(200);
    expect(evaluated.body).toMatchObject({ programVersion: 1, pointsToEarn: 10 });
  });

  it('shows tier progress on the receipt and lifts the member at once when a sale reaches the tier', async () => {
    const d = await createMerchantFixture(rt());
    const owner = { kind: 'staff' as const, merchantId: d.merchant.id, userId: d.owner.id, role: 'owner' as const, storeIds: null };
    const gold = { code: 'gold', name: 'Gold', threshold: 5000, earnMultiplierPercent: 100, benefits: '' };
    await rt().services.rules.saveProgram(owner, { rules: { ...DEFAULT_RULES, tiers: [gold] } });
    const dan = await enrol(server, d, 'Dan');

    const first = await commit(server, d, { cardCode: dan.cardNumber, lines: [line('A', 'dry', 1000, 3000)] }).expect(201);
    expect(first.body.receiptText).toContain('$20.00 to Gold');
    const second = await commit(server, d, { cardCode: dan.cardNumber, lines: [line('A', 'dry', 1000, 2500)] }).expect(201);
    expect(second.body.receiptText).toContain('Welcome to Gold!');
    const card = await request(server).get(`/v1/pos/cards/${dan.cardNumber}`).set(auth(d.tokens.terminal)).expect(200);
    expect(card.body).toMatchObject({ tier: { code: 'gold', name: 'Gold' }, nextTier: null, points: { available: 55 } });
  });

  it.each<['negative' | 'cap', number, number]>([
    ['negative', 100, -100],
    ['cap', 0, 0],
  ])('returns goods whose points were already spent by the %s clawback policy', async (policy, reversed, balance) => {
    const e = await createMerchantFixture(rt());
    const owner = { kind: 'staff' as const, merchantId: e.merchant.id, userId: e.owner.id, role: 'owner' as const, storeIds: null };
    await rt().services.rules.saveProgram(owner, { rules: { ...DEFAULT_RULES, returnClawback: policy } });
    const eve = await enrol(server, e, 'Eve');
    const sale = await commit(server, e, { memberId: eve.memberId, lines: [line('TV', 'electronics', 1000, 10_000)] }).expect(201);
    // Spend all 100 points on tobacco (which earns nothing).
    await commit(server, e, { memberId: eve.memberId, redeemPoints: 100, lines: [line('CIGS', 'tobacco', 1000, 1000)] }).expect(201);
    const returned = await request(server)
      .post(`/v1/pos/purchases/${sale.body.purchase.id}/returns`)
      .set(auth(e.tokens.terminal))
      .set('Idempotency-Key', uniqueKey())
      .send({ lines: [{ lineNo: 1, quantity: 1000 }] })
      .expect(201);
    expect(returned.body).toMatchObject({ refundMinor: 10_000, pointsReversed: reversed, balance: { available: balance } });
    expect(await rt().services.pointsReconciliation.reconcile(e.merchant.id)).toEqual([]);
  });

  const valid = () => ({ receiptNumber: uniqueKey('R'), occurredAt: new Date().toISOString(), memberId: ana.memberId, lines: [line('MILK', 'dairy', 1000, 150)] });
  const tooMany = () => Array.from({ length: 501 }, () => line('A', null, 1000, 1));

  it.each<[string, () => Record<string, unknown>, string]>([
    ['a quantity as text', () => ({ ...valid(), lines: [{ ...line('A', null, 1000, 1), quantity: '1000' }] }), 'body.lines.0.quantity'],
    ['a negative quantity', () => ({ ...valid(), lines: [line('A', null, -1000, 100)] }), 'body.lines.0.quantity'],
    ['a fractional price', () => ({ ...valid(), lines: [line('A', null, 1000, 1.5)] }), 'body.lines.0.unitPriceMinor'],
    ['501 lines', () => ({ ...valid(), lines: tooMany() }), 'body.lines'],
    ['an unknown field', () => ({ ...valid(), discount: 5 }), 'body'],
    ['an unknown line field', () => ({ ...valid(), lines: [{ ...line('A', null, 1000, 1), vat: 7 }] }), 'body.lines.0'],
    ['a time without offset', () => ({ ...valid(), occurredAt: '2026-01-01T10:00:00' }), 'body.occurredAt'],
    ['a member id that is no uuid', () => ({ ...valid(), memberId: '1 OR 1=1' }), 'body.memberId'],
    ['a negative redemption', () => ({ ...valid(), redeemPoints: -100 }), 'body.redeemPoints'],
  ])('refuses %s with 400, details and no write', async (_name, body, path) => {
    const before = await writes(rt());
    const res = await commit(server, a, body()).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await writes(rt())).toEqual(before);
  });

  it('matches categories whatever their case and spacing: TOBACCO earns nothing under the default program, at evaluate and at commit', async () => {
    const lines = [line('CIGS', 'TOBACCO', 1000, 900), line('CIGARS', ' Tobacco ', 1000, 1100), line('BREAD', 'Bakery', 1000, 250)];
    const evaluated = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send({ memberId: ana.memberId, lines }).expect(200);
    expect(evaluated.body.pointsToEarn).toBe(2);
    const sale = await commit(server, a, { memberId: ana.memberId, lines }).expect(201);
    expect(sale.body.purchase.pointsEarned).toBe(2);
    expect(sale.body.purchase.lines.map((l: { category: string }) => l.category)).toEqual(['tobacco', 'tobacco', 'bakery']);
  });

  it('refuses broken JSON and a missing or malformed Idempotency-Key without writing', async () => {
    const before = await writes(rt());
    const broken = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).set('Content-Type', 'application/json').send('{"lines": [').expect(400);
    expect(broken.body.error.code).toBe('MALFORMED_JSON');
    const noKey = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).send(valid()).expect(400);
    expect(noKey.body.error.details[0].path).toBe('headers.idempotency-key');
    await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', 'short').send(valid()).expect(400);
    await request(server).post(`/v1/pos/purchases/${anaPurchaseId}/returns`).set(auth(a.tokens.terminal)).send({ amountMinor: 1 }).expect(400);
    await request(server).post(`/v1/pos/purchases/${anaPurchaseId}/void`).set(auth(a.tokens.terminal)).send({}).expect(400);
    expect(await writes(rt())).toEqual(before);
  });

  it('never answers 5xx or writes for random malformed baskets, returns and raw JSON (property)', async () => {
    const badQuantity = fc.oneof(fc.integer({ min: -1_000_000, max: 0 }), fc.double({ noInteger: true }), fc.string(), fc.constant(null), fc.integer({ min: 10_000_001 }));
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue());
    const badLine = fc.record({ sku: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()), category: fc.option(fc.string(), { nil: undefined }), quantity: badQuantity, unitPriceMinor: anyValue }, { requiredKeys: ['quantity'] });
    const badBasket = fc.record(
      {
        receiptNumber: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
        occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
        memberId: fc.oneof(fc.uuid(), fc.string()),
        redeemPoints: anyValue,
        lines: fc.array(badLine, { minLength: 1, maxLength: 5 }),
      },
      { requiredKeys: ['lines'] },
    );
    const before = await writes(rt());
    await fc.assert(
      fc.asyncProperty(badBasket, async (body) => {
        const evaluated = await request(server).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send(body);
        expect(evaluated.status).toBeGreaterThanOrEqual(400);
        expect(evaluated.status).toBeLessThan(500);
        const committed = await commit(server, a, body);
        expect(committed.status).toBeGreaterThanOrEqual(400);
        expect(committed.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const raw = await request(server).post('/v1/pos/purchases').set(auth(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).set('Content-Type', 'application/json').send(JSON.stringify(value));
        expect(raw.status).toBeGreaterThanOrEqual(400);
        expect(raw.status).toBeLessThan(500);
        const ret = await request(server)
          .post(`/v1/pos/purchases/${anaPurchaseId}/returns`)
          .set(auth(a.tokens.terminal))
          .set('Idempotency-Key', uniqueKey())
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ lines: value }));
        expect(ret.status).toBeGreaterThanOrEqual(400);
        expect(ret.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    expect(await writes(rt())).toEqual(before);
  });
});
