import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { enrolMember, programWith } from './points-helpers';

describeEachDb('points API', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let memberId: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const entries = () => rt().db.manager.countBy(PointEntry, { merchantId: a.merchant.id, memberId });
  const adjust = (token: string, body: unknown, key?: string) => {
    const req = request(rt().app).post(`/v1/members/${memberId}/points/adjustments`).set(bearer(token));
    return key ? req.set('Idempotency-Key', key).send(body as object) : req.send(body as object);
  };

  beforeAll(async () => {
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
  });
  beforeEach(async () => {
    memberId = (await enrolMember(rt(), a)).id;
  });
  afterEach(async () => {
    expect(await rt().services.pointsReconciliation.reconcile()).toEqual([]);
  });

  it('lets a manager credit points with a reason, audited', async () => {
    const res = await adjust(a.tokens.manager, { points: 250, reason: 'Apology for a broken bag' }).expect(201);
    expect(res.body.entry).toMatchObject({ kind: 'adjust', points: 250, reason: 'Apology for a broken bag', actor: `staff:${a.manager.id}` });
    expect(res.body.balance).toMatchObject({ available: 250 });
    const logged = await rt().db.manager.findBy(AuditEntry, { merchantId: a.merchant.id, action: 'points.adjust', entityId: memberId });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ actorId: a.manager.id, data: { points: 250, reason: 'Apology for a broken bag', entryId: res.body.entry.id } });
  });

  it('takes points away, never below zero', async () => {
    await adjust(a.tokens.owner, { points: 100, reason: 'Goodwill' }).expect(201);
    const before = await entries();
    const over = await adjust(a.tokens.owner, { points: -101, reason: 'Correction' }).expect(409);
    expect(over.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect(await entries()).toBe(before);
    const ok = await adjust(a.tokens.owner, { points: -40, reason: 'Correction' }).expect(201);
    expect(ok.body.balance.available).toBe(60);
  });

  it('replays an adjustment with the same Idempotency-Key; a different body is a 409', async () => {
    const first = await adjust(a.tokens.owner, { points: 10, reason: 'Birthday' }, 'adj-key-0001').expect(201);
    const again = await adjust(a.tokens.owner, { points: 10, reason: 'Birthday' }, 'adj-key-0001').expect(200);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.body.entry.id).toBe(first.body.entry.id);
    const other = await adjust(a.tokens.owner, { points: 11, reason: 'Birthday' }, 'adj-key-0001').expect(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await entries()).toBe(1);
    await adjust(a.tokens.owner, { points: 10, reason: 'Birthday' }, 'bad key!').expect(400);
  });

  it.each([
    ['zero points', { points: 0, reason: 'Nothing' }],
    ['fractional points', { points: 1.5, reason: 'Half' }],
    ['points as a string', { points: '10', reason: 'String' }],
    ['no reason', { points: 10 }],
    ['a blank reason', { points: 10, reason: '   ' }],
    ['an unknown field', { points: 10, reason: 'Ok reason', merchantId: 'x' }],
  ])('refuses %s with 400 and writes nothing', async (_name, body) => {
    const res = await adjust(a.tokens.owner, body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect(await entries()).toBe(0);
  });

  it('refuses broken JSON and a malformed member id', async () => {
    await request(rt().app).post(`/v1/members/${memberId}/points/adjustments`).set(bearer(a.tokens.owner)).set('Content-Type', 'application/json').send('{"points":').expect(400);
    await request(rt().app).get('/v1/members/not-a-uuid/points').set(bearer(a.tokens.owner)).expect(400);
    expect(await entries()).toBe(0);
  });

  it('lets only owners and managers adjust', async () => {
    await adjust(a.tokens.cashier, { points: 10, reason: 'Cashier try' }).expect(403);
    await adjust(a.tokens.terminal, { points: 10, reason: 'Till try' }).expect(403);
    await adjust(tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId }), { points: 10, reason: 'Self service' }).expect(403);
    await request(rt().app).post(`/v1/members/${memberId}/points/adjustments`).send({ points: 10, reason: 'Anonymous' }).expect(401);
    expect(await entries()).toBe(0);
  });

  it("hides another merchant's member (404) and writes nothing", async () => {
    await adjust(b.tokens.owner, { points: 10, reason: 'Cross-tenant' }).expect(404);
    await request(rt().app).get(`/v1/members/${memberId}/points`).set(bearer(b.tokens.owner)).expect(404);
    await request(rt().app).get(`/v1/members/${memberId}/points/entries`).set(bearer(b.tokens.cashier)).expect(404);
    expect(await rt().db.manager.countBy(PointEntry, { memberId })).toBe(0);
  });

  it('shows the summary and the ledger to staff, paged newest first', async () => {
    const program = programWith({ expiry: { kind: 'days', days: 10 } });
    const now = new Date();
    await rt().db.transaction((tx) =>
      rt().services.points.earn(tx, { merchantId: a.merchant.id, memberId, points: 40, sourceType: 'purchase', sourceId: 'p1', occurredAt: now, now, program }),
    );
    await adjust(a.tokens.owner, { points: 5, reason: 'Goodwill' }).expect(201);
    const summary = await request(rt().app).get(`/v1/members/${memberId}/points`).set(bearer(a.tokens.cashier)).expect(200);
    expect(summary.body).toMatchObject({ available: 45, pending: 0, lifetimeEarned: 40, expiringSoon: { points: 40 } });
    const page1 = await request(rt().app).get(`/v1/members/${memberId}/points/entries?limit=1`).set(bearer(a.tokens.cashier)).expect(200);
    expect(page1.body.items.map((e: { kind: string }) => e.kind)).toEqual(['adjust']);
    const page2 = await request(rt().app).get(`/v1/members/${memberId}/points/entries?limit=1&before=${page1.body.nextBefore}`).set(bearer(a.tokens.cashier)).expect(200);
    expect(page2.body).toMatchObject({ items: [{ kind: 'earn', points: 40 }], nextBefore: null });
    await request(rt().app).get(`/v1/members/${memberId}/points/entries?limit=0`).set(bearer(a.tokens.cashier)).expect(400);
  });

  it('shows staff when the points expire: summed per expiry date, soonest first, and what never expires', async () => {
    const now = new Date();
    const earn = (points: number, sourceId: string, rules: Parameters<typeof programWith>[0]) =>
      rt().db.transaction((tx) => rt().services.points.earn(tx, { merchantId: a.merchant.id, memberId, points, sourceType: 'purchase', sourceId, occurredAt: now, now, program: programWith(rules) }));
    const month = { expiry: { kind: 'days', days: 30 } } as const;
    const a30 = await earn(100, 'e1', month);
    await earn(50, 'e2', month);
    await earn(20, 'e3', { ...month, pendingDays: 2 });
    const a5 = await earn(70, 'e4', { expiry: { kind: 'days', days: 5 } });
    await earn(40, 'e5', { expiry: { kind: 'never' } });

    const res = await request(rt().app).get(`/v1/members/${memberId}/points/expiry`).set(bearer(a.tokens.cashier)).expect(200);
    expect(res.body).toEqual({
      items: [
        { expiresAt: a5.expiresAt!.toISOString(), points: 70, pending: 0 },
        { expiresAt: a30.expiresAt!.toISOString(), points: 170, pending: 20 },
      ],
      neverExpire: 40,
    });

    await request(rt().app).get(`/v1/members/${memberId}/points/expiry`).expect(401);
    await request(rt().app).get(`/v1/members/${'x'.repeat(65)}/points/expiry`).set(bearer(a.tokens.cashier)).expect(400);
    // Another merchant's staff do not learn the member exists.
    expect((await request(rt().app).get(`/v1/members/${memberId}/points/expiry`).set(bearer(b.tokens.owner)).expect(404)).body.error.code).toBe('MEMBER_NOT_FOUND');
    const empty = await request(rt().app).get(`/v1/members/${(await enrolMember(rt(), a)).id}/points/expiry`).set(bearer(a.tokens.owner)).expect(200);
    expect(empty.body).toEqual({ items: [], neverExpire: 0 });
  });

  it('shows members their own points only', async () => {
    await adjust(a.tokens.owner, { points: 7, reason: 'Welcome' }).expect(201);
    const token = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId });
    const mine = await request(rt().app).get('/v1/me/points').set(bearer(token)).expect(200);
    expect(mine.body).toMatchObject({ available: 7 });
    const list = await request(rt().app).get('/v1/me/points/entries').set(bearer(token)).expect(200);
    expect(list.body.items).toHaveLength(1);
    const other = (await enrolMember(rt(), a)).id;
    const theirs = await request(rt().app).get('/v1/me/points').set(bearer(tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: other }))).expect(200);
    expect(theirs.body.available).toBe(0);
    await request(rt().app).get('/v1/me/points').set(bearer(a.tokens.owner)).expect(403);
  });

  it('runs the reconciliation for owners only', async () => {
    await adjust(a.tokens.owner, { points: 3, reason: 'Reconcile me' }).expect(201);
    const res = await request(rt().app).get('/v1/points/reconciliation').set(bearer(a.tokens.owner)).expect(200);
    expect(res.body).toEqual({ consistent: true, mismatches: [] });
    await request(rt().app).get('/v1/points/reconciliation').set(bearer(a.tokens.manager)).expect(403);
  });
});
