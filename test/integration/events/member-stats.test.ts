import type { Server } from 'node:http';
import request from 'supertest';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { startJobs, type RunningJobs } from '../../../src/jobs/start-jobs';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import type { DomainEvent } from '../../../src/events/event-types';
import { StatsRefreshRequest } from '../../../src/purchases/stats-refresh-request.entity';
import { REFRESH_MEMBER_STATS_JOB } from '../../../src/purchases/stats-refresh';
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
  'purchase events and the coalesced member-stats refresh',
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
      const refresh = jest.spyOn(rt().services.purchases, 'refreshMemberStats');

      jobs.relay.start();
      await until('the stats of all sales', async () => (await rt().services.members.profile(a.merchant.id, bo.memberId)).stats?.visits === sales);
      await until('the refresh request settled', async () => (await rt().db.manager.countBy(StatsRefreshRequest, { memberId: bo.memberId })) === 0);

      const ofBo = refresh.mock.calls.filter(([, memberId]) => memberId === bo.memberId);
      expect(ofBo).toHaveLength(1);
      const stats = (await rt().services.members.profile(a.merchant.id, bo.memberId)).stats;
      expect(stats).toMatchObject({ visits: sales, spendMinor: Array.from({ length: sales }, (_, i) => 100 + i).reduce((s, x) => s + x, 0) });
    });

    it('refreshes again when a sale lands while the refresh runs, so the last sale is never lost', async () => {
      const cy = await enrol(server, a, 'Cy');
      await commit(server, a, { memberId: cy.memberId, lines: [line('A', null, 1000, 500)] }).expect(201);
      const purchases = rt().services.purchases;
      await purchases.requestMemberStatsRefresh(a.merchant.id, cy.memberId);

      const original = purchases.refreshMemberStats.bind(purchases);
      let raced = false;
      jest.spyOn(purchases, 'refreshMemberStats').mockImplementation(async (merchantId, memberId, now) => {
        await original(merchantId, memberId, now);
        if (raced) return;
        raced = true;
        // After the stats were read: another sale commits and its event asks for a refresh.
        await commit(server, a, { memberId: cy.memberId, lines: [line('B', null, 1000, 700)] }).expect(201);
        await purchases.requestMemberStatsRefresh(a.merchant.id, cy.memberId);
      });
      const queued = () => rt().db.manager.countBy(OutboxEntry, { merchantId: a.merchant.id, jobName: REFRESH_MEMBER_STATS_JOB });
      const queuedBefore = await queued();

      await purchases.runMemberStatsRefresh(a.merchant.id, cy.memberId);
      expect((await rt().services.members.profile(a.merchant.id, cy.memberId)).stats).toMatchObject({ visits: 1, spendMinor: 500 });
      expect(await rt().db.manager.countBy(StatsRefreshRequest, { memberId: cy.memberId })).toBe(1);
      expect(await queued()).toBe(queuedBefore + 1);

      await purchases.runMemberStatsRefresh(a.merchant.id, cy.memberId);
      expect((await rt().services.members.profile(a.merchant.id, cy.memberId)).stats).toMatchObject({ visits: 2, spendMinor: 1200 });
      expect(await rt().db.manager.countBy(StatsRefreshRequest, { memberId: cy.memberId })).toBe(0);
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
  { redis: true, env: { STATS_REFRESH_DELAY_MS: '1500' } },
);
