import request from 'supertest';
import { MemberTier } from '../../../src/rules/member-tier.entity';
import { DEFAULT_RULES, type ProgramRules } from '../../../src/rules/program.schemas';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { enrolMember, ownerOf } from '../points/points-helpers';

const DAY = 86_400_000;
const tiers = [
  { code: 'silver', name: 'Silver', threshold: 100, earnMultiplierPercent: 100, benefits: '' },
  { code: 'gold', name: 'Gold', threshold: 500, earnMultiplierPercent: 150, benefits: 'Free coffee' },
];

describeEachDb('tiers', (rt) => {
  let fx: MerchantFixture;
  let memberId: string;
  const now = new Date();
  const later = (days: number) => new Date(now.getTime() + days * DAY);

  const earn = async (points: number) => {
    const program = await rt().services.rules.programAt(fx.merchant.id, now);
    await rt().db.transaction((tx) =>
      rt().services.points.earn(tx, { merchantId: fx.merchant.id, memberId, points, sourceType: 'purchase', sourceId: null, occurredAt: now, now, program }),
    );
  };
  const evaluate = (at: Date) => rt().services.rules.evaluateTier(undefined, fx.merchant.id, memberId, at);
  const stored = async () => (await rt().db.manager.findOneBy(MemberTier, { merchantId: fx.merchant.id, memberId })) ?? null;

  describe('points basis', () => {
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
      const rules: ProgramRules = { ...DEFAULT_RULES, tiers, tierPolicy: { basis: 'points', windowDays: 365, graceDays: 30 } };
      await rt().services.rules.saveProgram(ownerOf(fx), { rules, effectiveFrom: new Date(now.getTime() - 1000) }, new Date(now.getTime() - 1000));
    });
    beforeEach(async () => {
      memberId = (await enrolMember(rt(), fx)).id;
    });
    afterEach(async () => {
      expect(await rt().services.pointsReconciliation.reconcile(fx.merchant.id)).toEqual([]);
    });

    it('upgrades at once and reports progress to the next tier', async () => {
      expect(await evaluate(now)).toEqual({ tierCode: null });
      await earn(150);
      expect(await evaluate(now)).toEqual({ tierCode: 'silver' });
      expect(await rt().services.rules.tierProgress(fx.merchant.id, memberId, now)).toEqual({
        tier: { code: 'silver', name: 'Silver' },
        next: { code: 'gold', name: 'Gold', remaining: 350, unit: 'points' },
      });
      await earn(400);
      expect(await evaluate(now)).toEqual({ tierCode: 'gold' });
      expect(await rt().services.rules.tierProgress(fx.merchant.id, memberId, now)).toEqual({ tier: { code: 'gold', name: 'Gold' }, next: null });
    });

    it('downgrades only at re-evaluation, after the grace period', async () => {
      await earn(550);
      await evaluate(now);
      await rt().db.transaction((tx) =>
        rt().services.points.reverseEarn(tx, { merchantId: fx.merchant.id, memberId, points: 300, sourceType: 'return', sourceId: 'r1', now, policy: 'negative' }),
      );
      // After a purchase: no downgrade.
      expect(await evaluate(now)).toEqual({ tierCode: 'gold' });
      // The nightly job notices and starts the grace period.
      await rt().services.rules.reevaluateTiers(later(1));
      expect(await stored()).toMatchObject({ tierCode: 'gold', graceUntil: later(31) });
      await rt().services.rules.reevaluateTiers(new Date(later(31).getTime() - 1));
      expect((await stored())?.tierCode).toBe('gold');
      await rt().services.rules.reevaluateTiers(later(31));
      expect(await stored()).toMatchObject({ tierCode: 'silver', graceUntil: null });
    });

    it('clears the grace period when the member qualifies again', async () => {
      await earn(500);
      await evaluate(now);
      await rt().db.transaction((tx) =>
        rt().services.points.reverseEarn(tx, { merchantId: fx.merchant.id, memberId, points: 100, sourceType: 'return', sourceId: 'r2', now, policy: 'negative' }),
      );
      await rt().services.rules.reevaluateTiers(later(1));
      expect((await stored())?.graceUntil).not.toBeNull();
      await earn(100);
      await evaluate(later(2));
      expect(await stored()).toMatchObject({ tierCode: 'gold', graceUntil: null });
    });

    it('treats the staff override as a floor, not a ceiling', async () => {
      await rt().services.members.update(ownerOf(fx), memberId, { tierOverride: 'silver' });
      expect(await evaluate(now)).toEqual({ tierCode: 'silver' });
      await earn(600);
      expect(await evaluate(now)).toEqual({ tierCode: 'gold' });
      await rt().services.members.update(ownerOf(fx), memberId, { tierOverride: 'gold' });
      const other = (await enrolMember(rt(), fx)).id;
      await rt().services.members.update(ownerOf(fx), other, { tierOverride: 'gold' });
      expect((await rt().services.rules.tierProgress(fx.merchant.id, other, now)).tier).toEqual({ code: 'gold', name: 'Gold' });
    });

    it('serves tier progress to staff and to the member, not across merchants', async () => {
      await earn(120);
      await evaluate(now);
      const staff = await request(rt().app).get(`/v1/members/${memberId}/tier`).set({ Authorization: `Bearer ${fx.tokens.cashier}` }).expect(200);
      expect(staff.body.tier).toEqual({ code: 'silver', name: 'Silver' });
      const me = await request(rt().app)
        .get('/v1/me/tier')
        .set({ Authorization: `Bearer ${tokenFor(rt(), { kind: 'member', merchantId: fx.merchant.id, memberId })}` })
        .expect(200);
      expect(me.body.next).toMatchObject({ code: 'gold', unit: 'points' });
      const other = await createMerchantFixture(rt());
      await request(rt().app).get(`/v1/members/${memberId}/tier`).set({ Authorization: `Bearer ${other.tokens.owner}` }).expect(404);
    });
  });

  describe('spend basis', () => {
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
      const rules: ProgramRules = { ...DEFAULT_RULES, tiers, tierPolicy: { basis: 'spend', windowDays: 30, graceDays: 0 } };
      await rt().services.rules.saveProgram(ownerOf(fx), { rules, effectiveFrom: new Date(now.getTime() - 1000) }, new Date(now.getTime() - 1000));
      memberId = (await enrolMember(rt(), fx)).id;
    });

    it('counts the spend of purchases recorded at the till and upgrades after the sale', async () => {
      expect((await rt().services.rules.tierProgress(fx.merchant.id, memberId, now)).next).toEqual({ code: 'silver', name: 'Silver', remaining: 100, unit: 'spend_minor' });
      await request(rt().app)
        .post('/v1/pos/purchases')
        .set({ Authorization: `Bearer ${fx.tokens.terminal}`, 'Idempotency-Key': 'tier-spend-0001' })
        .send({ memberId, receiptNumber: 'R-1', occurredAt: new Date().toISOString(), lines: [{ sku: 'bread', category: 'bakery', quantity: 1000, unitPriceMinor: 250 }] })
        .expect(201);
      expect(await stored()).toMatchObject({ tierCode: 'silver' });
      expect((await rt().services.rules.tierProgress(fx.merchant.id, memberId, new Date())).next).toMatchObject({ code: 'gold', remaining: 250 });
    });
  });
});
