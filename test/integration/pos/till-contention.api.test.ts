import type { Server } from 'node:http';
import request from 'supertest';
import { DEFAULT_RULES } from '../../../src/rules/program.schemas';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey } from './till-helpers';

/** The till's hot path under contention and retries, after its performance work (see docs/BENCHMARKS.md). */
describeEachDb('till: contention and retries', (rt, dialect) => {
  let server: Server;
  let a: MerchantFixture;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  // The balance lock relies on it: reads after `SELECT … FOR UPDATE` must see what the previous lock holder committed.
  if (dialect === 'mysql') {
    it('runs transactions in READ COMMITTED without setting it each time', async () => {
      const rows: { Value: string }[][] = await Promise.all(
        Array.from({ length: 25 }, () => rt().db.transaction((tx) => tx.query("SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')"))),
      );
      for (const r of rows) {
        expect(r.length).toBeGreaterThan(0);
        for (const v of r) expect(v.Value).toBe('READ-COMMITTED');
      }
    });
  }

  /**
   * Returns, voids and sales of one member all at once, more of them than the
   * MySQL pool has connections (20). Each waits for the member's balance lock
   * while holding its connection, so any read inside those transactions that
   * went through the pool instead of the transaction's own connection would
   * leave the lock holder waiting for a connection the waiters hold: a stall
   * until the lock wait timeout. The program cache is emptied first (a new
   * version saved), so the transactions also read the program.
   */
  it('returns, voids and sales of one member at once all complete and the ledger holds', async () => {
    const member = await enrol(server, a, 'Vera');
    // 1000 points to redeem from.
    await commit(server, a, { memberId: member.memberId, lines: [line('TV', 'electronics', 1000, 100_000)] }).expect(201);
    const sales: { id: string; totalMinor: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await commit(server, a, { memberId: member.memberId, lines: [line(`SKU${i}`, 'grocery', 1000, 2000)], ...(i % 2 ? { redeemPoints: 100 } : {}) }).expect(201);
      sales.push({ id: res.body.purchase.id, totalMinor: res.body.purchase.totalMinor });
    }
    await request(server).put('/v1/program').set('Authorization', `Bearer ${a.tokens.owner}`).send({ rules: DEFAULT_RULES }).expect(200);

    const asTerminal = (path: string, body: object) =>
      request(server).post(path).set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', uniqueKey()).send(body);
    const results = await Promise.all([
      ...sales.slice(0, 10).map((s) => asTerminal(`/v1/pos/purchases/${s.id}/returns`, { amountMinor: s.totalMinor })),
      ...sales.slice(10).map((s) => asTerminal(`/v1/pos/purchases/${s.id}/void`, {})),
      ...Array.from({ length: 10 }, (_, i) => commit(server, a, { memberId: member.memberId, lines: [line(`NEW${i}`, 'grocery', 1000, 1234)] })),
    ]);

    expect(results.map((r) => r.status)).toEqual([...Array(10).fill(201), ...Array(10).fill(200), ...Array(10).fill(201)]);
    // Every one of the 20 sales is fully undone (earned points reversed, redeemed points given back): 1000 + 10 × 12 is left.
    const summary = await rt().services.points.summary(a.merchant.id, member.memberId, new Date());
    expect(summary.available).toBe(1120);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });

  // Replays are found under the balance lock, not by a read before every sale; these are the ones that never get there.
  it('a retry gets the first answer even when the sale could no longer be recorded', async () => {
    const member = await enrol(server, a, 'Otto');
    const body = { cardCode: member.cardNumber, receiptNumber: uniqueKey('R'), occurredAt: new Date().toISOString(), lines: [line('MILK', 'dairy', 1000, 1000)] };
    const key = uniqueKey();
    const post = () => request(server).post('/v1/pos/purchases').set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', key).send(body);
    const first = await post().expect(201);
    const scanned = await request(server).get(`/v1/pos/cards/${member.cardNumber}`).set('Authorization', `Bearer ${a.tokens.terminal}`).expect(200);
    await request(server).post(`/v1/cards/${scanned.body.card.id}/block`).set('Authorization', `Bearer ${a.tokens.manager}`).send({ reason: 'test' }).expect(200);
    const replay = await post().expect(200);
    expect(replay.headers['idempotent-replay']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // A new sale with the blocked card is refused as before.
    const other = await request(server).post('/v1/pos/purchases').set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', uniqueKey()).send({ ...body, receiptNumber: uniqueKey('R') });
    expect(other.status).toBe(423);
    expect(other.body.error.code).toBe('CARD_BLOCKED');
  });
});
