import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { AppError } from '../../../src/http/errors';
import { reconcilePointsJob } from '../../../src/points/points.jobs';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { enrolMember, lotsOf, ownerOf, programWith } from './points-helpers';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number, ms = 0) => new Date(T0.getTime() + days * DAY + ms);

describeEachDb('points ledger', (rt) => {
  let fx: MerchantFixture;
  let memberId: string;
  const ctx = () => ({ merchantId: fx.merchant.id, memberId });

  const earn = (points: number, when: Date, program = programWith({}), sourceId = `p-${Math.random()}`) =>
    rt().db.transaction((tx) => rt().services.points.earn(tx, { ...ctx(), points, sourceType: 'purchase', sourceId, occurredAt: when, now: when, program }));
  const redeem = (points: number, when: Date) =>
    rt().db.transaction((tx) => rt().services.points.redeem(tx, { ...ctx(), points, sourceType: 'purchase', sourceId: `r-${Math.random()}`, now: when }));
  const balance = (when: Date) => rt().db.transaction((tx) => rt().services.points.lockBalance(tx, fx.merchant.id, memberId, when));
  const entryCount = () => rt().db.manager.countBy(PointEntry, { merchantId: fx.merchant.id, memberId });

  beforeAll(async () => {
    fx = await createMerchantFixture(rt());
  });
  beforeEach(async () => {
    memberId = (await enrolMember(rt(), fx)).id;
  });
  afterEach(async () => {
    expect(await rt().services.pointsReconciliation.reconcile(fx.merchant.id)).toEqual([]);
  });

  it('earns into the available balance and records an entry', async () => {
    const res = await earn(120, T0);
    expect(res).toMatchObject({ pendingUntil: null, expiresAt: null });
    expect(await balance(T0)).toEqual({ available: 120, pending: 0, lifetimeEarned: 120, lifetimeRedeemed: 0 });
    const entry = await rt().db.manager.findOneByOrFail(PointEntry, { id: res.entryId });
    expect(entry).toMatchObject({ kind: 'earn', points: 120, sourceType: 'purchase' });
  });

  it('redeems FIFO: earliest expiry first, never-expiring last', async () => {
    await earn(100, T0, programWith({ expiry: { kind: 'days', days: 10 } }));
    await earn(100, T0, programWith({ expiry: { kind: 'never' } }));
    await earn(50, T0, programWith({ expiry: { kind: 'days', days: 5 } }));
    await redeem(120, at(1));
    const lots = await lotsOf(rt(), fx.merchant.id, memberId);
    expect(lots.map((l) => l.remaining)).toEqual([30, 100, 0]);
    expect(await balance(at(1))).toMatchObject({ available: 130, lifetimeRedeemed: 120 });
  });

  it('refuses to redeem more than available and writes nothing', async () => {
    await earn(50, T0);
    const before = await entryCount();
    await expect(redeem(51, T0)).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS', status: 409 });
    expect(await entryCount()).toBe(before);
    expect((await lotsOf(rt(), fx.merchant.id, memberId))[0].remaining).toBe(50);
    expect(await balance(T0)).toMatchObject({ available: 50 });
  });

  it('never overdraws under 50 parallel redemptions', async () => {
    await earn(1000, T0);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => redeem(30, at(0, 1))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toBe(33);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(await balance(at(0, 2))).toMatchObject({ available: 10, lifetimeRedeemed: 990 });
  });

  it('keeps the invariant under parallel earns', async () => {
    await Promise.all(Array.from({ length: 30 }, () => earn(7, T0)));
    expect(await balance(T0)).toMatchObject({ available: 210 });
    expect(await entryCount()).toBe(30);
  });

  it('expires a lot exactly at its expiry: spendable 1 ms before, gone at the instant', async () => {
    const program = programWith({ expiry: { kind: 'days', days: 10 } });
    const { expiresAt } = await earn(80, T0, program);
    expect(expiresAt).toEqual(at(10));
    await redeem(80, at(10, -1));
    expect(await balance(at(10))).toMatchObject({ available: 0 });

    memberId = (await enrolMember(rt(), fx)).id;
    await earn(80, T0, program);
    await expect(redeem(80, at(10))).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect((await rt().services.points.summary(fx.merchant.id, memberId, at(10))).available).toBe(0);
    expect((await rt().services.points.summary(fx.merchant.id, memberId, at(10, -1))).expiringSoon).toEqual({ points: 80, expiresAt: at(10) });
    // The scheduled job expires it with one entry per member.
    await rt().services.points.expireDue(at(10));
    const expired = await rt().db.manager.findBy(PointEntry, { merchantId: fx.merchant.id, memberId, kind: 'expire' });
    expect(expired.map((e) => e.points)).toEqual([-80]);
    await rt().services.points.expireDue(at(11));
    expect(await rt().db.manager.countBy(PointEntry, { merchantId: fx.merchant.id, memberId, kind: 'expire' })).toBe(1);
  });

  it('expires at the end of the month in the merchant time zone', async () => {
    const program = programWith({ expiry: { kind: 'end_of_month', monthsAfter: 0 } }, 'Asia/Bangkok');
    // 2026-03-31 20:00 UTC is already 1 April 03:00 in Bangkok.
    const late = await earn(10, new Date('2026-03-31T20:00:00.000Z'), program);
    expect(late.expiresAt).toEqual(new Date('2026-04-30T17:00:00.000Z'));
    const early = await earn(10, new Date('2026-03-31T16:00:00.000Z'), program);
    expect(early.expiresAt).toEqual(new Date('2026-03-31T17:00:00.000Z'));
  });

  it('holds points pending, then releases them (summary at once, the job writes it)', async () => {
    const program = programWith({ pendingDays: 7 });
    const res = await earn(100, T0, program);
    expect(res.pendingUntil).toEqual(at(7));
    expect(await balance(T0)).toMatchObject({ available: 0, pending: 100 });
    await expect(redeem(100, at(7, -1))).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect(await rt().services.points.summary(fx.merchant.id, memberId, at(7))).toMatchObject({ available: 100, pending: 0 });
    expect(await rt().services.points.releaseDue(at(7))).toBeGreaterThanOrEqual(1);
    const row = await rt().db.transaction((tx) => rt().services.points.lockBalance(tx, fx.merchant.id, memberId, at(7)));
    expect(row).toMatchObject({ available: 100, pending: 0 });
    await redeem(100, at(7));
  });

  it("reverses spent points with the 'negative' policy; later points pay the debt first", async () => {
    await earn(100, T0);
    await redeem(100, T0);
    const { reversed } = await rt().db.transaction((tx) =>
      rt().services.points.reverseEarn(tx, { ...ctx(), points: 60, sourceType: 'return', sourceId: 'ret-1', now: T0, policy: 'negative' }),
    );
    expect(reversed).toBe(60);
    expect(await balance(T0)).toMatchObject({ available: -60, lifetimeEarned: 40 });
    await expect(redeem(1, T0)).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    await earn(100, at(1));
    expect(await balance(at(1))).toMatchObject({ available: 40 });
    const lots = await lotsOf(rt(), fx.merchant.id, memberId);
    expect(lots[lots.length - 1].remaining).toBe(40);
    await redeem(40, at(1));
  });

  it("caps the clawback at what is there with the 'cap' policy", async () => {
    await earn(100, T0);
    await redeem(80, T0);
    const { reversed } = await rt().db.transaction((tx) =>
      rt().services.points.reverseEarn(tx, { ...ctx(), points: 60, sourceType: 'return', sourceId: 'ret-2', now: T0, policy: 'cap' }),
    );
    expect(reversed).toBe(20);
    expect(await balance(T0)).toMatchObject({ available: 0 });
  });

  it('reverses from the earning purchase lot first, pending points included', async () => {
    const pending = programWith({ pendingDays: 14 });
    await earn(100, T0);
    await earn(50, T0, pending, 'purchase-A');
    await rt().db.transaction((tx) =>
      rt().services.points.reverseEarn(tx, {
        ...ctx(),
        points: 30,
        sourceType: 'return',
        sourceId: 'ret-3',
        now: T0,
        policy: 'cap',
        earnedBy: { sourceType: 'purchase', sourceId: 'purchase-A' },
      }),
    );
    expect(await balance(T0)).toMatchObject({ available: 100, pending: 20 });
  });

  it('gives redeemed points back on a return', async () => {
    await earn(100, T0);
    await redeem(70, T0);
    await rt().db.transaction((tx) => rt().services.points.restoreRedeemed(tx, { ...ctx(), points: 70, sourceType: 'return', sourceId: 'ret-4', now: T0 }));
    expect(await balance(T0)).toMatchObject({ available: 100, lifetimeRedeemed: 0 });
  });

  it('merges two members: lots, balances and a transfer entry on each side', async () => {
    const intoId = (await enrolMember(rt(), fx)).id;
    await earn(100, T0);
    await earn(50, T0, programWith({ pendingDays: 3 }));
    const fromId = memberId;
    memberId = intoId;
    await earn(30, T0);
    await rt().db.transaction((tx) => rt().services.points.mergeMembers(tx, fx.merchant.id, fromId, intoId, T0));
    expect(await balance(T0)).toMatchObject({ available: 130, pending: 50, lifetimeEarned: 180 });
    expect(await rt().services.points.summary(fx.merchant.id, fromId, T0)).toMatchObject({ available: 0, pending: 0 });
    const transfers = await rt().db.manager.find(PointEntry, { where: { merchantId: fx.merchant.id, kind: 'transfer' }, order: { id: 'ASC' } });
    expect(transfers.filter((t) => t.memberId === fromId || t.memberId === intoId).map((t) => t.points)).toEqual([-150, 150]);
    await redeem(130, T0);
  });

  it('merges a member in debt: the other side pays it from its lots', async () => {
    await earn(50, T0);
    await redeem(50, T0);
    await rt().db.transaction((tx) => rt().services.points.reverseEarn(tx, { ...ctx(), points: 40, sourceType: 'return', sourceId: 'r', now: T0, policy: 'negative' }));
    const fromId = memberId;
    memberId = (await enrolMember(rt(), fx)).id;
    await earn(100, T0);
    await rt().db.transaction((tx) => rt().services.points.mergeMembers(tx, fx.merchant.id, fromId, memberId, T0));
    expect(await balance(T0)).toMatchObject({ available: 60 });
    await expect(redeem(61, T0)).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  });

  it('moves points when the members service merges two members', async () => {
    await earn(70, T0);
    const fromId = memberId;
    const into = await enrolMember(rt(), fx);
    await rt().services.members.merge(ownerOf(fx), fromId, into.id, T0);
    memberId = into.id;
    expect(await balance(T0)).toMatchObject({ available: 70 });
    expect((await rt().services.points.summary(fx.merchant.id, fromId, T0)).available).toBe(0);
  });

  it('sums capped points in the local cap period', async () => {
    const program = programWith({ promotionCap: { period: 'day', points: 100 } }, 'Asia/Bangkok');
    const earnCapped = (when: Date, capped: number) =>
      rt().db.transaction((tx) =>
        rt().services.points.earn(tx, { ...ctx(), points: capped + 10, cappedPoints: capped, sourceType: 'purchase', sourceId: null, occurredAt: when, now: when, program }),
      );
    // Bangkok midnight is 17:00 UTC.
    await earnCapped(new Date('2026-03-01T16:59:59.999Z'), 30);
    await earnCapped(new Date('2026-03-01T17:00:00.000Z'), 20);
    await earnCapped(new Date('2026-03-01T20:00:00.000Z'), 5);
    const sum = (when: Date) => rt().db.transaction((tx) => rt().services.points.earnedInCapPeriod(tx, fx.merchant.id, memberId, program, when));
    expect(await sum(new Date('2026-03-01T16:00:00.000Z'))).toBe(30);
    expect(await sum(new Date('2026-03-01T21:00:00.000Z'))).toBe(25);
  });

  it('reports a tampered balance as a mismatch', async () => {
    await earn(10, T0);
    await rt().db.manager.query('UPDATE member_balances SET available = available + 5 WHERE member_id = ?', [memberId]);
    const mismatches = await rt().services.pointsReconciliation.reconcile(fx.merchant.id);
    expect(mismatches).toEqual(
      expect.arrayContaining([
        { merchantId: fx.merchant.id, memberId, check: 'entries', cached: 15, ledger: 10 },
        { merchantId: fx.merchant.id, memberId, check: 'lots', cached: 15, ledger: 10 },
      ]),
    );
    // The nightly job records what it found in the merchant's audit log.
    await reconcilePointsJob.handle({}, rt().services);
    const recorded = await rt().db.manager.findBy(AuditEntry, { merchantId: fx.merchant.id, action: 'points.reconcile.mismatch', entityId: memberId });
    expect(recorded.map((r) => r.data)).toEqual(expect.arrayContaining([{ check: 'entries', cached: 15, ledger: 10 }]));
    await rt().db.manager.query('UPDATE member_balances SET available = available - 5 WHERE member_id = ?', [memberId]);
  });

  it('runs the scheduled jobs through their definitions', async () => {
    const names = rt().jobs.map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining(['points.expire', 'points.release-pending', 'points.reconcile', 'rules.evaluate-tiers']));
    for (const job of rt().jobs.filter((j) => j.name.startsWith('points.') || j.name.startsWith('rules.'))) {
      expect(job.schedule).toBeDefined();
      await job.handle({});
    }
  });
});
