import fc from 'fast-check';
import { AppError } from '../../../src/http/errors';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { enrolMember, programWith } from './points-helpers';

type Op =
  | { op: 'earn'; points: number; pendingDays: number; expiryDays: number | null }
  | { op: 'redeem'; points: number }
  | { op: 'reverse'; points: number; policy: 'negative' | 'cap' }
  | { op: 'restore'; points: number }
  | { op: 'wait'; hours: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('earn' as const), points: fc.integer({ min: 1, max: 500 }), pendingDays: fc.constantFrom(0, 0, 2), expiryDays: fc.constantFrom(null, 1, 5) }),
  fc.record({ op: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ op: fc.constant('reverse' as const), points: fc.integer({ min: 1, max: 300 }), policy: fc.constantFrom('negative' as const, 'cap' as const) }),
  fc.record({ op: fc.constant('restore' as const), points: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 72 }) }),
);

describeEachDb('points ledger under random operations', (rt) => {
  let fx: MerchantFixture;
  beforeAll(async () => {
    fx = await createMerchantFixture(rt());
  });

  it('keeps balance = Σ entries = Σ lots, and redeems exactly when enough is available', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const memberId = (await enrolMember(rt(), fx)).id;
        const base = { merchantId: fx.merchant.id, memberId, sourceType: 'test', sourceId: null };
        const points = rt().services.points;
        let now = new Date('2026-06-01T00:00:00.000Z');
        let wentNegative = false;
        for (const o of ops) {
          const before = await rt().db.transaction((tx) => points.lockBalance(tx, fx.merchant.id, memberId, now));
          if (o.op === 'wait') now = new Date(now.getTime() + o.hours * 3_600_000);
          else if (o.op === 'earn') {
            const program = programWith({ pendingDays: o.pendingDays, expiry: o.expiryDays === null ? { kind: 'never' } : { kind: 'days', days: o.expiryDays } });
            await rt().db.transaction((tx) => points.earn(tx, { ...base, points: o.points, occurredAt: now, now, program }));
          } else if (o.op === 'redeem') {
            const result = await rt()
              .db.transaction((tx) => points.redeem(tx, { ...base, points: o.points, now }))
              .then(() => 'ok', (err: unknown) => (err instanceof AppError ? err.code : err));
            expect(result).toBe(before.available >= o.points ? 'ok' : 'INSUFFICIENT_POINTS');
          } else if (o.op === 'reverse') {
            const { reversed } = await rt().db.transaction((tx) => points.reverseEarn(tx, { ...base, points: o.points, now, policy: o.policy }));
            if (o.policy === 'negative') expect(reversed).toBe(o.points);
            else expect(reversed).toBe(Math.min(o.points, Math.max(0, before.available) + before.pending));
            if (o.policy === 'negative' && o.points > Math.max(0, before.available) + before.pending) wentNegative = true;
          } else {
            await rt().db.transaction((tx) => points.restoreRedeemed(tx, { ...base, points: o.points, now }));
          }
          const after = await rt().db.transaction((tx) => points.lockBalance(tx, fx.merchant.id, memberId, now));
          if (!wentNegative) expect(after.available).toBeGreaterThanOrEqual(0);
          expect(after.pending).toBeGreaterThanOrEqual(0);
          expect(await rt().services.pointsReconciliation.reconcile(fx.merchant.id)).toEqual([]);
        }
      }),
      { numRuns: 10 },
    );
  });
});
