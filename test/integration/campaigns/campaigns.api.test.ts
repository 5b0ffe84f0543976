import request from 'supertest';
import { CampaignMember } from '../../../src/campaigns/campaign-member.entity';
import { Campaign } from '../../../src/campaigns/campaign.entity';
import type { Principal } from '../../../src/http/principal';
import { SegmentMember } from '../../../src/segments/segment-member.entity';
import { PLANTED_LIFT_MAP, plantedLiftPurchases } from '../../support/planted-lift';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { enrol, line } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const MEMBERS = 400;
/** What the campaign adds to each treated member's spend in its month, minor units. */
const PLANTED_LIFT = 1500;

const CAMPAIGN = { startsAt: '2026-09-01T00:00:00.000Z', endsAt: '2026-10-01T00:00:00.000Z' };
const FUTURE = { startsAt: '2099-01-01T00:00:00.000Z', endsAt: '2099-02-01T00:00:00.000Z' };

describeEachDb('campaigns: static segments, the random holdout and the lift report', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let segmentId: string;

  const csv = (f: MerchantFixture, path: string, body: string, query: Record<string, string>) =>
    request(rt().app).post(path).query(query).set(auth(f.tokens.owner)).set('Content-Type', 'text/csv').send(body);
  const createCampaign = (f: MerchantFixture, body: Record<string, unknown>, token = f.tokens.owner) =>
    request(rt().app).post('/v1/campaigns').set(auth(token)).send({ name: 'September coupons', segmentId, ...CAMPAIGN, ...body });

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    b = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    const members = ['externalId,firstName', ...Array.from({ length: MEMBERS }, (_, i) => `C-${i},Member${i}`)].join('\n');
    await csv(a, '/v1/imports/members', members, {}).expect(200);
    segmentId = (await request(rt().app).post('/v1/segments').set(auth(a.tokens.owner)).send({ name: 'Regulars' }).expect(201)).body.id;
  });

  describe('a static segment from a CSV list', () => {
    const list = ['customerId,email', ...Array.from({ length: MEMBERS }, (_, i) => `C-${i},`), 'C-7,', 'C-9999,', ','].join('\n');

    it('a dry run reports who the file names and changes nothing', async () => {
      const res = await csv(a, '/v1/imports/segment-members', list, { segmentId, dryRun: 'true' }).expect(200);
      expect(res.body).toMatchObject({ kind: 'segment-members', dryRun: true, rows: MEMBERS + 3, created: MEMBERS, existing: 1, failed: 2 });
      expect(res.body.errors).toEqual([
        { row: MEMBERS + 2, field: 'customerId', message: 'no member with this customer id: import the members first' },
        { row: MEMBERS + 3, field: 'customerId', message: 'names no member: give a customer id, phone, email or card' },
      ]);
      expect(await rt().db.manager.countBy(SegmentMember, { segmentId })).toBe(0);
    });

    it('an upload replaces the list whole', async () => {
      await csv(a, '/v1/imports/segment-members', 'customerId\nC-1\nC-2\n', { segmentId }).expect(200);
      await csv(a, '/v1/imports/segment-members', list, { segmentId }).expect(200);
      expect(await rt().db.manager.countBy(SegmentMember, { segmentId })).toBe(MEMBERS);
      const segment = (await request(rt().app).get(`/v1/segments/${segmentId}`).set(auth(a.tokens.owner)).expect(200)).body;
      expect(segment).toMatchObject({ name: 'Regulars', kind: 'static', memberCount: MEMBERS });
    });

    it("another merchant's segment is not found, and its members are never matched", async () => {
      await csv(b, '/v1/imports/segment-members', 'customerId\nC-1\n', { segmentId }).expect(404);
      const theirs = (await request(rt().app).post('/v1/segments').set(auth(b.tokens.owner)).send({ name: 'Theirs' }).expect(201)).body.id;
      const res = await csv(b, '/v1/imports/segment-members', 'customerId\nC-1\n', { segmentId: theirs }).expect(200);
      expect(res.body).toMatchObject({ created: 0, failed: 1 });
      await request(rt().app).get(`/v1/segments/${segmentId}`).set(auth(b.tokens.owner)).expect(404);
    });
  });

  describe('drafts, launch and end', () => {
    it('refuses bad input, a cashier, and a segment of another merchant', async () => {
      const bad = await createCampaign(a, { endsAt: CAMPAIGN.startsAt }).expect(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.endsAt', message: 'must be after startsAt' }] });
      await createCampaign(a, { holdoutPercent: 80 }).expect(400);
      await createCampaign(a, {}, a.tokens.cashier).expect(403);
      await createCampaign(b, {}).expect(404);
      expect(await rt().db.manager.countBy(Campaign, { merchantId: b.merchant.id })).toBe(0);
    });

    it('estimates reach and the smallest detectable lift before launch', async () => {
      const campaign = (await createCampaign(a, {}).expect(201)).body;
      const estimate = (await request(rt().app).get(`/v1/campaigns/${campaign.id}/estimate`).set(auth(a.tokens.owner)).expect(200)).body;
      expect(estimate).toMatchObject({ reach: MEMBERS, treated: MEMBERS - 40, holdout: 40 });
      // Nobody bought in the last month: no spread, so no lift can be told apart.
      expect(estimate.tooSmall).toBe(true);
    });

    it('launches once even when asked twice at the same moment, drawing about the holdout share', async () => {
      const campaign = (await createCampaign(a, { holdoutPercent: 20, ...FUTURE }).expect(201)).body;
      const launch = () => request(rt().app).post(`/v1/campaigns/${campaign.id}/launch`).set(auth(a.tokens.owner));
      const statuses = (await Promise.all([launch(), launch()])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const drawn = await rt().db.manager.findBy(CampaignMember, { campaignId: campaign.id });
      const held = drawn.filter((m) => m.holdout).length;
      expect(drawn).toHaveLength(MEMBERS);
      expect(held / MEMBERS).toBeGreaterThan(0.14);
      expect(held / MEMBERS).toBeLessThan(0.26);
      const stored = (await request(rt().app).get(`/v1/campaigns/${campaign.id}`).set(auth(a.tokens.owner)).expect(200)).body;
      expect(stored).toMatchObject({ status: 'launched', treatedCount: MEMBERS - held, holdoutCount: held });
      await request(rt().app).post(`/v1/campaigns/${campaign.id}/end`).set(auth(a.tokens.owner)).expect(200);
      const again = await request(rt().app).post(`/v1/campaigns/${campaign.id}/end`).set(auth(a.tokens.owner)).expect(409);
      expect(again.body.error.code).toBe('CAMPAIGN_STATUS_CONFLICT');
    });

    it('will not launch a campaign that is already over', async () => {
      const campaign = (await createCampaign(a, {}).expect(201)).body;
      const res = await request(rt().app).post(`/v1/campaigns/${campaign.id}/launch`).set(auth(a.tokens.owner)).expect(409);
      expect(res.body.error.message).toMatch(/already over/);
      expect(await rt().db.manager.countBy(CampaignMember, { campaignId: campaign.id })).toBe(0);
    });

    it('has no report before launch', async () => {
      const campaign = (await createCampaign(a, {}).expect(201)).body;
      const report = (await request(rt().app).get(`/v1/campaigns/${campaign.id}/report`).set(auth(a.tokens.owner)).expect(200)).body;
      expect(report).toMatchObject({ enoughData: false, spend: null, economics: null });
      expect(report.message).toMatch(/not been launched/);
    });
  });

  describe('the lift report', () => {
    let lifted: string;
    let flat: string;

    /**
     * Two campaigns over the same members, drawn at launch (before their
     * month); members treated by the "lifted" one spend PLANTED_LIFT more in
     * September (plantedLiftPurchases).
     */
    beforeAll(async () => {
      const owner: Principal = { kind: 'staff', merchantId: a.merchant.id, userId: a.owner.id, role: 'owner', storeIds: null };
      const launchBefore = new Date('2026-08-31T12:00:00Z');
      const campaigns = rt().services.campaigns;
      lifted = (await createCampaign(a, { name: 'Lifted', holdoutPercent: 30, costMinor: 20_000, marginPercent: 40 }).expect(201)).body.id;
      flat = (await createCampaign(a, { name: 'Flat', holdoutPercent: 30 }).expect(201)).body.id;
      await campaigns.launch(owner, lifted, launchBefore);
      await campaigns.launch(owner, flat, launchBefore);
      const drawn = await rt().db.manager.findBy(CampaignMember, { campaignId: lifted });
      const heldOut = new Set(drawn.filter((m) => m.holdout).map((m) => m.memberId));
      const customerIds = Array.from({ length: MEMBERS }, (_, i) => `C-${i}`);
      const ids = await rt().services.members.findByKeys(rt().db.manager, a.merchant.id, { externalIds: customerIds });
      const file = plantedLiftPurchases(customerIds, (c) => heldOut.has(ids.byExternalId.get(c)!.id), a.store.code, PLANTED_LIFT);
      const res = await request(rt().app)
        .post('/v1/imports/purchases')
        .query(PLANTED_LIFT_MAP.map((m) => `map=${encodeURIComponent(m)}`).join('&'))
        .set(auth(a.tokens.owner))
        .set('Content-Type', 'text/csv')
        .send(file);
      expect(res.body.error).toBeUndefined();
      expect(res.body).toMatchObject({ created: 2 * MEMBERS, failed: 0 });
    });

    const report = (campaignId: string) => request(rt().app).get(`/v1/campaigns/${campaignId}/report`).set(auth(a.tokens.owner)).expect(200);

    // Member ids (and so the draw) differ per run: the bounds below hold unless the estimate is ~4 standard errors off.
    it('recovers the planted lift in spend and prices it', async () => {
      const { body } = await report(lifted);
      expect(body.message).toBeNull();
      expect(body.enoughData).toBe(true);
      expect(body.treatedMembers + body.holdoutMembers).toBe(MEMBERS);
      expect(body.spend.cuped).toBe(true);
      const { estimate, low, high } = body.spend.perMember;
      expect(Math.abs(estimate - PLANTED_LIFT)).toBeLessThan(high - low);
      expect(body.spend.verdict).toBe('lift');
      expect(body.spend.total.estimate).toBeCloseTo(body.spend.perMember.estimate * body.treatedMembers, 6);
      // Everyone bought once in each month: visits and response do not move.
      expect(body.visits.perMember.estimate).toBe(0);
      expect(body.response.verdict).toBe('not_proven');
      expect(body.economics.incrementalMargin.estimate).toBeCloseTo(body.spend.total.estimate * 0.4 - 20_000, 6);
      expect(body.economics.roi.estimate).toBeCloseTo(body.economics.incrementalMargin.estimate / 20_000, 6);
      // October has begun: spend after the campaign is compared too (nobody bought: no lift).
      expect(body.spendAfter.verdict).toBe('not_proven');
    });

    it('finds nothing where a campaign changed nothing, and answers the same every time it is opened', async () => {
      // Its own draw splits the lifted campaign's treated members evenly between its groups.
      const first = (await report(flat)).body;
      const { estimate, low, high } = first.spend.perMember;
      expect(Math.abs(estimate)).toBeLessThan(high - low);
      expect(high - low).toBeLessThan(PLANTED_LIFT);
      expect((await report(flat)).body).toEqual(first);
    });
  });

  it('an offer limited to a segment applies at the till to its members only', async () => {
    const inside = await enrol(rt().app as never, a, 'Inga');
    const outside = await enrol(rt().app as never, a, 'Otto');
    const vip = (await request(rt().app).post('/v1/segments').set(auth(a.tokens.owner)).send({ name: 'VIP' }).expect(201)).body.id;
    await csv(a, '/v1/imports/segment-members', `card\n${inside.cardNumber}\n`, { segmentId: vip }).expect(200);
    const offer = (
      await request(rt().app)
        .post('/v1/offers')
        .set(auth(a.tokens.owner))
        .send({ name: 'VIP 10 %', conditions: { segmentIds: [vip] }, mechanic: { kind: 'percent_off', percent: 10 } })
        .expect(201)
    ).body.id;
    await request(rt().app).post(`/v1/offers/${offer}/activate`).set(auth(a.tokens.owner)).expect(200);
    const evaluate = (memberId: string) =>
      request(rt().app).post('/v1/pos/baskets/evaluate').set(auth(a.tokens.terminal)).send({ memberId, lines: [line('TEA', 'drinks', 1000, 1000)] }).expect(200);
    expect((await evaluate(inside.memberId)).body).toMatchObject({ discountMinor: 100 });
    expect((await evaluate(outside.memberId)).body).toMatchObject({ discountMinor: 0, appliedOffers: [] });
    const scan = (card: string) => request(rt().app).get(`/v1/pos/cards/${card}`).set(auth(a.tokens.terminal)).expect(200);
    expect((await scan(inside.cardNumber)).body.offers.map((o: { id: string }) => o.id)).toEqual([offer]);
    expect((await scan(outside.cardNumber)).body.offers).toEqual([]);
    await request(rt().app).post(`/v1/offers/${offer}/end`).set(auth(a.tokens.owner)).expect(200);
  });
});
