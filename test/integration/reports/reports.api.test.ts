import type { Server } from 'node:http';
import request from 'supertest';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, listen } from '../pos/till-helpers';

const DAY = 24 * 3600_000;

describeEachDb('reports: owner dashboard', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  const earned: number[] = [];
  let redeemed = 0;
  let memberToken = '';

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    const ana = await enrol(server, a, 'Ana');
    await enrol(server, a, 'Ben');
    const other = await enrol(server, b, 'Olga');
    memberToken = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: ana.memberId });

    const sale = async (f: MerchantFixture, body: Record<string, unknown>) => {
      const res = await commit(server, f, body);
      if (res.status !== 201) throw new Error(`sale failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { purchase: { pointsEarned: number; pointsRedeemed: number } };
    };
    const lines = (amountMinor: number) => [{ sku: 'TOTAL', quantity: 1000, unitPriceMinor: amountMinor }];
    for (const body of [
      { memberId: ana.memberId, lines: lines(25_000) },
      // Nine days ago: lands in the previous weekly bucket.
      { memberId: ana.memberId, lines: lines(1_000), occurredAt: new Date(Date.now() - 9 * DAY).toISOString() },
      { memberId: ana.memberId, lines: lines(2_000), redeemPoints: 100 },
      { lines: lines(700) },
    ]) {
      const { purchase } = await sale(a, body);
      earned.push(purchase.pointsEarned);
      redeemed += purchase.pointsRedeemed;
    }
    await sale(b, { memberId: other.memberId, lines: lines(5_000) });
  });

  afterAll(() => closeServer(server));

  const dashboard = (token: string, query = '') => request(server).get(`/v1/reports/dashboard${query}`).set('Authorization', `Bearer ${token}`);

  it('sums members, activity, sales by members vs anonymous, points and liability for the merchant', async () => {
    const res = await dashboard(a.tokens.owner).expect(200);
    const d = res.body;
    const issued = earned.reduce((s, p) => s + p, 0);
    expect(redeemed).toBe(100);
    expect(d.currency).toBe('USD');
    expect(d.members).toEqual({ total: 2, active: 2, active30: 1, active90: 1 });
    expect(d.sales).toEqual({ memberMinor: 28_000, anonymousMinor: 700, memberCount: 3, anonymousCount: 1 });
    expect(d.points).toMatchObject({ issued, redeemed: 100, outstanding: issued - 100, lifetimeEarned: issued, lifetimeRedeemed: 100 });
    // Default program: 100 points are worth 1.00 (100 minor units).
    expect(d.points.liabilityMinor).toBe(issued - 100);

    expect(d.weekly).toHaveLength(12);
    const [previous, last] = d.weekly.slice(-2);
    expect(last).toMatchObject({ newMembers: 2, memberSalesMinor: 27_000, anonymousSalesMinor: 700, pointsRedeemed: 100 });
    expect(previous).toMatchObject({ newMembers: 0, memberSalesMinor: 1_000, anonymousSalesMinor: 0, pointsIssued: earned[1] });
    expect(d.weekly.reduce((s: number, w: { pointsIssued: number }) => s + w.pointsIssued, 0)).toBe(issued);
    expect(new Date(last.from).getTime()).toBeGreaterThan(Date.now() - 7 * DAY - 60_000);
  });

  it('limits sales and points to the period asked for', async () => {
    const d = (await dashboard(a.tokens.manager, '?days=7&weeks=4').expect(200)).body;
    expect(d.periodDays).toBe(7);
    expect(d.sales).toEqual({ memberMinor: 27_000, anonymousMinor: 700, memberCount: 2, anonymousCount: 1 });
    expect(d.points.issued).toBe(earned[0] + earned[2] + earned[3]);
    expect(d.weekly).toHaveLength(4);
    // The period as a daily series: today holds today's sales, the rest of the week none.
    expect(d.series.bucketDays).toBe(1);
    expect(d.series.items).toHaveLength(7);
    expect(d.series.items.at(-1)).toMatchObject({ newMembers: 2, memberSalesMinor: 27_000, anonymousSalesMinor: 700, pointsRedeemed: 100 });
    expect(d.series.items.slice(0, -1).every((i: { memberSalesMinor: number }) => i.memberSalesMinor === 0)).toBe(true);
    expect(d.series.items[0].from).toBe(new Date(new Date(d.generatedAt).getTime() - 7 * DAY).toISOString());
  });

  it('follows the period with its series: daily up to 31 days, weekly beyond', async () => {
    const month = (await dashboard(a.tokens.owner, '?days=30').expect(200)).body;
    expect([month.series.bucketDays, month.series.items.length]).toEqual([1, 30]);
    expect(month.series.items.reduce((s: number, i: { memberSalesMinor: number }) => s + i.memberSalesMinor, 0)).toBe(28_000);
    const quarter = (await dashboard(a.tokens.owner, '?days=90').expect(200)).body;
    expect([quarter.series.bucketDays, quarter.series.items.length]).toEqual([7, 13]);
    // 90 days is not a whole number of weeks: the first bucket starts at the period's start, cut short.
    expect(quarter.series.items[0].from).toBe(new Date(new Date(quarter.generatedAt).getTime() - 90 * DAY).toISOString());
    expect(quarter.series.items.reduce((s: number, i: { memberSalesMinor: number }) => s + i.memberSalesMinor, 0)).toBe(28_000);
    const year = (await dashboard(a.tokens.owner, '?days=365').expect(200)).body;
    expect([year.series.bucketDays, year.series.items.length]).toEqual([7, 53]);
  });

  it('splits the period\'s sales per store, each merchant its own stores only', async () => {
    const d = (await dashboard(a.tokens.owner, '?days=30').expect(200)).body;
    expect(d.stores).toEqual([{ storeId: a.store.id, memberMinor: 28_000, anonymousMinor: 700, receipts: 4 }]);
    const week = (await dashboard(a.tokens.owner, '?days=7').expect(200)).body;
    expect(week.stores).toEqual([{ storeId: a.store.id, memberMinor: 27_000, anonymousMinor: 700, receipts: 3 }]);
    const other = (await dashboard(b.tokens.owner, '?days=30').expect(200)).body;
    expect(other.stores).toEqual([{ storeId: b.store.id, memberMinor: 5_000, anonymousMinor: 0, receipts: 1 }]);
  });

  it("shows each merchant only its own figures", async () => {
    const d = (await dashboard(b.tokens.owner).expect(200)).body;
    expect(d.members.total).toBe(1);
    expect(d.sales).toEqual({ memberMinor: 5_000, anonymousMinor: 0, memberCount: 1, anonymousCount: 0 });
    expect(d.points.lifetimeRedeemed).toBe(0);
  });

  it('is for owners and managers only', async () => {
    for (const token of [a.tokens.cashier, a.tokens.terminal, memberToken]) {
      const res = await dashboard(token).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    await request(server).get('/v1/reports/dashboard').expect(401);
  });

  it('refuses a bad period with field details', async () => {
    for (const query of ['?days=0', '?days=367', '?days=abc', '?weeks=53', '?merchantId=x', '?storeId=x']) {
      const res = await dashboard(a.tokens.owner, query).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toMatch(/^query/);
    }
  });
});
