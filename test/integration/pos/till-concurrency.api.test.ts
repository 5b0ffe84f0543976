import type { Server } from 'node:http';
import request from 'supertest';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey } from './till-helpers';

/** Many tills hitting one member at once: the balance lock and the unique indexes must hold. */
describeEachDb('till under concurrency', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  it('50 parallel redemptions on one member never overdraw', async () => {
    const member = await enrol(server, a, 'Rita');
    // 1000.00 of electronics earns 1000 points (1 per 1.00).
    await commit(server, a, { memberId: member.memberId, lines: [line('TV', 'electronics', 1000, 100_000)] }).expect(201);
    // Tobacco earns nothing, so each sale only spends: 100 points each, 10 can succeed.
    const results = await Promise.all(
      Array.from({ length: 50 }, () => commit(server, a, { memberId: member.memberId, redeemPoints: 100, lines: [line('CIGS', 'tobacco', 1000, 1000)] })),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(10);
    for (const r of refused) {
      expect([409, 422]).toContain(r.status);
      expect(['INSUFFICIENT_POINTS', 'REDEMPTION_NOT_ALLOWED']).toContain(r.body.error.code);
    }
    const summary = await rt().services.points.summary(a.merchant.id, member.memberId, new Date());
    expect(summary.available).toBe(0);
    expect(await rt().db.manager.countBy(Purchase, { merchantId: a.merchant.id, memberId: member.memberId })).toBe(11);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });

  it('20 parallel purchases on one member keep the balance equal to the ledger', async () => {
    const member = await enrol(server, a, 'Paul');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => commit(server, a, { memberId: member.memberId, lines: [line(`SKU${i}`, 'grocery', 1000, 1234)] })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const summary = await rt().services.points.summary(a.merchant.id, member.memberId, new Date());
    expect(summary.available).toBe(20 * 12);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });

  it.each([
    ['a member', true],
    ['an anonymous shopper', false],
  ])('identical submissions in parallel for %s record one purchase and all get its answer', async (_who, withMember) => {
    const member = withMember ? await enrol(server, a, 'Dora') : null;
    const key = uniqueKey();
    const body = { receiptNumber: uniqueKey('DUP'), occurredAt: new Date().toISOString(), lines: [line('MILK', 'dairy', 1000, 1000)], ...(member ? { memberId: member.memberId } : {}) };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => request(server).post('/v1/pos/purchases').set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', key).send(body)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.headers['idempotent-replay'] === 'true')).toHaveLength(9);
    const ids = new Set(results.map((r) => r.body.purchase.id));
    expect(ids.size).toBe(1);
    expect(await rt().db.manager.countBy(Purchase, { merchantId: a.merchant.id, receiptNumber: body.receiptNumber })).toBe(1);
    if (member) {
      expect((await rt().services.points.summary(a.merchant.id, member.memberId, new Date())).available).toBe(10);
      expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
    }
  });
});
