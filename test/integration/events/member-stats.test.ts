import type { Server } from 'node:http';
import request from 'supertest';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { startJobs, type RunningJobs } from '../../../src/jobs/start-jobs';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import type { DomainEvent } from '../../../src/events/event-types';
import { eventually } from '../../support/wait';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb, type TestRuntime } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen } from '../pos/till-helpers';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function eventsOf(rt: TestRuntime, merchantId: string): Promise<DomainEvent[]> {
  const rows = await rt.db.manager.find(OutboxEntry, { where: { merchantId, jobName: DISPATCH_EVENT_JOB }, order: { id: 'ASC' } });
  return rows.map((r) => r.payload as DomainEvent);
}

describeEachDb(
  'purchase events and the member-stats refresh, once per member per relay round',
  (rt) => {
    let server: Server;
    let a: MerchantFixture;
    let jobs: RunningJobs;
    beforeAll(async () => {
      server = await listen(rt());
      a = await createMerchantFixture(rt());
      // Handlers are registered once (Bull takes one per queue); each test starts the relay when it wants delivery.
      jobs = await startJobs(rt(), { consume: true, relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
      await jobs.stop();
    });
    afterEach(async () => {
      await jobs.stop();
      jest.restoreAllMocks();
    });
    afterAll(() => closeServer(server));

    it('writes purchase.recorded in the sale transaction; a refused sale writes no event', async () => {
      const ana = await enrol(server, a, 'Ana');
      const res = await commit(server, a, { memberId: ana.memberId, lines: [line('MILK', 'dairy', 1000, 250), line('TEA', null, 2000, 300)] }).expect(201);
      const events = (await eventsOf(rt(), a.merchant.id)).filter((e) => e.type === 'purchase.recorded');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'purchase.recorded',
        version: 1,
        merchantId: a.merchant.id,
        data: { purchaseId: res.body.purchase.id, memberId: ana.memberId, storeId: a.store.id, totalMinor: 850, pointsRedeemed: 0 },
      });
      expect(events[0].id).toMatch(/^[0-9a-f-]{36}$/);

      const before = await rt().db.manager.count(OutboxEntry);
      await commit(server, a, { memberId: ana.memberId, redeemPoints: 1_000_000, lines: [line('MILK', 'dairy', 1000, 250)] }).expect(422);
      expect(await rt().db.manager.count(OutboxEntry)).toBe(before);
    });

    it('gives a burst of sales of one member one stats refresh that reflects the last sale', async () => {
      const bo = await enrol(server, a, 'Bo');
      const sales = 8;
      for (let i = 0; i < sales; i++) await commit(server, a, { memberId: bo.memberId, lines: [line(`SKU${i}`, 'bakery', 1000, 100 + i)] }).expect(201);
      const refresh = jest.spyOn(rt().services.members, 'refreshStats');

      jobs.relay.start();
      await until('the stats of all sales', async () => (await rt().services.members.profile(a.merchant.id, bo.memberId)).stats?.visits === sales);

      // The events of the burst reach the subscriber in one relay round: one refresh for them all.
      expect(refresh.mock.calls.filter(([, memberId]) => memberId === bo.memberId)).toHaveLength(1);
      const stats = (await rt().services.members.profile(a.merchant.id, bo.memberId)).stats;
      expect(stats).toMatchObject({ visits: sales, spendMinor: Array.from({ length: sales }, (_, i) => 100 + i).reduce((s, x) => s + x, 0) });
    });

    it('never lets a slow refresh overwrite a newer one: the last sale is never lost', async () => {
      const cy = await enrol(server, a, 'Cy');
      await commit(server, a, { memberId: cy.memberId, lines: [line('A', null, 1000, 500)] }).expect(201);
      const purchases = rt().services.purchases;
      const original = purchases.memberPurchaseStats.bind(purchases);
      let second: Promise<void> | undefined;
      jest.spyOn(purchases, 'memberPurchaseStats').mockImplementationOnce(async (merchantId, memberId, tx) => {
        // The first refresh has read the stats of one sale; now another sale commits and its refresh starts.
        const stale = await original(merchantId, memberId, tx);
        // (A supertest request is a thenable that sends again on every then: take it once as a promise.)
        const sale = Promise.resolve(commit(server, a, { memberId: cy.memberId, lines: [line('B', null, 1000, 700)] }).expect(201));
        second = sale.then(() => purchases.refreshMemberStats(merchantId, [memberId]));
        if (rt().db.isMysql) {
          // The second refresh must wait for the first one's lock on the member (without it, it would finish first and be overwritten).
          await sale;
          let finished = false;
          void second.then(
            () => (finished = true),
            () => (finished = true),
          );
          await eventually(async () => {
            // MariaDB may wait for the row lock while it plans the statement, so look for the statement, not the transaction state.
            const [waiting] = (await rt().db.manager.query(
              "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND INFO LIKE 'SELECT %members%FOR UPDATE'",
            )) as { n: unknown }[];
            if (!finished && Number(waiting.n) === 0) throw new Error('the second refresh neither waits nor finished');
          }, 20_000);
        }
        // (SQLite runs one transaction at a time: the sale and the second refresh wait for this one.)
        return stale;
      });

      await purchases.refreshMemberStats(a.merchant.id, [cy.memberId]);
      await second;
      expect((await rt().services.members.profile(a.merchant.id, cy.memberId)).stats).toMatchObject({ visits: 2, spendMinor: 1200 });
    });

    it('publishes returns and voids, and refreshes the stats after them', async () => {
      const di = await enrol(server, a, 'Di');
      const sale = await commit(server, a, { memberId: di.memberId, lines: [line('X', null, 1000, 1000), line('Y', null, 1000, 400)] }).expect(201);
      const other = await commit(server, a, { memberId: di.memberId, lines: [line('Z', null, 1000, 300)] }).expect(201);
      await request(server)
        .post(`/v1/pos/purchases/${sale.body.purchase.id}/returns`)
        .set('Authorization', `Bearer ${a.tokens.terminal}`)
        .set('Idempotency-Key', `ret-${di.memberId}`)
        .send({ lines: [{ lineNo: 2, quantity: 1000 }] })
        .expect(201);
      await request(server)
        .post(`/v1/pos/purchases/${other.body.purchase.id}/void`)
        .set('Authorization', `Bearer ${a.tokens.terminal}`)
        .set('Idempotency-Key', `void-${di.memberId}`)
        .send({})
        .expect(200);
      const events = (await eventsOf(rt(), a.merchant.id)).filter((e) => e.type.startsWith('purchase.') && (e.data as { memberId?: string }).memberId === di.memberId);
      expect(events.map((e) => e.type)).toEqual(['purchase.recorded', 'purchase.recorded', 'purchase.returned', 'purchase.voided']);
      expect(events[2].data).toMatchObject({ purchaseId: sale.body.purchase.id, refundMinor: 400, refundedTotalMinor: 400 });
      expect(events[3].data).toMatchObject({ purchaseId: other.body.purchase.id });

      jobs.relay.start();
      await until('stats net of the return and the void', async () => {
        const stats = (await rt().services.members.profile(a.merchant.id, di.memberId)).stats;
        return stats?.visits === 1 && stats.spendMinor === 1000;
      });
    });
  },
  { redis: true },
);
