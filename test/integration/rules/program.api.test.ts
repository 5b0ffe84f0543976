import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { ProgramVersion } from '../../../src/rules/program-version.entity';
import { DEFAULT_RULES, type ProgramRules } from '../../../src/rules/program.schemas';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { managerOf, ownerOf } from '../points/points-helpers';

const rulesWith = (over: Partial<ProgramRules>): ProgramRules => JSON.parse(JSON.stringify({ ...DEFAULT_RULES, ...over }));
const doublePoints = {
  code: 'TUE',
  name: 'Double points Tuesdays 16–18',
  multiplierPercent: 200,
  bonusPoints: 0,
  startsOn: '2026-01-01',
  endsOn: null,
  recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU', startTime: '16:00', durationMinutes: 120 },
  storeIds: null,
  tierCodes: null,
  categories: null,
};

describeEachDb('program API and versions', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const versionsOf = (merchantId: string) => rt().db.manager.countBy(ProgramVersion, { merchantId });

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { timeZone: 'Asia/Bangkok' });
    b = await createMerchantFixture(rt());
  });

  it('starts with the default program (version 0)', async () => {
    const res = await request(rt().app).get('/v1/program').set(bearer(b.tokens.manager)).expect(200);
    expect(res.body).toMatchObject({ version: 0, createdBy: null, rules: { earning: { baseRate: { points: 1, perMinor: 100 }, rounding: 'floor' } } });
    expect(res.body.rules.earning.excludedCategories).toEqual(expect.arrayContaining(['tobacco', 'lottery', 'gift_cards', 'deposits']));
    const program = await rt().services.rules.programAt(b.merchant.id, new Date());
    expect(program).toMatchObject({ version: 0, timeZone: 'UTC' });
  });

  it('lets an owner save a new version, audited, visible at once', async () => {
    const rules = rulesWith({ earning: { ...DEFAULT_RULES.earning, baseRate: { points: 2, perMinor: 100 } } });
    const res = await request(rt().app).put('/v1/program').set(bearer(a.tokens.owner)).send({ rules }).expect(200);
    expect(res.body).toMatchObject({ version: 1, createdBy: a.owner.id, rules: { earning: { baseRate: { points: 2 } } } });
    const program = await rt().services.rules.programAt(a.merchant.id, new Date());
    expect(program).toMatchObject({ version: 1, timeZone: 'Asia/Bangkok', earning: { baseRate: { points: 2 } } });
    const current = await request(rt().app).get('/v1/program').set(bearer(a.tokens.manager)).expect(200);
    expect(current.body.version).toBe(1);
    expect(await rt().db.manager.countBy(AuditEntry, { merchantId: a.merchant.id, action: 'program.save' })).toBe(1);
  });

  it('lets managers change promotions but nothing else', async () => {
    const current = (await request(rt().app).get('/v1/program').set(bearer(a.tokens.manager)).expect(200)).body.rules as ProgramRules;
    const before = await versionsOf(a.merchant.id);
    const baseRate = await request(rt().app)
      .put('/v1/program')
      .set(bearer(a.tokens.manager))
      .send({ rules: { ...current, earning: { ...current.earning, baseRate: { points: 5, perMinor: 100 } } } })
      .expect(403);
    expect(baseRate.body.error.code).toBe('FORBIDDEN');
    expect(await versionsOf(a.merchant.id)).toBe(before);
    const promo = await request(rt().app)
      .put('/v1/program')
      .set(bearer(a.tokens.manager))
      .send({ rules: { ...current, promotions: [doublePoints] } })
      .expect(200);
    expect(promo.body).toMatchObject({ version: before + 1, createdBy: a.manager.id, rules: { promotions: [{ code: 'TUE' }] } });
  });

  it('keeps cashiers, terminals and members out', async () => {
    await request(rt().app).get('/v1/program').set(bearer(a.tokens.cashier)).expect(403);
    await request(rt().app).get('/v1/program/versions').set(bearer(a.tokens.terminal)).expect(403);
    await request(rt().app).put('/v1/program').set(bearer(a.tokens.cashier)).send({ rules: DEFAULT_RULES }).expect(403);
  });

  it.each([
    ['a float multiplier', (r: ProgramRules) => ({ rules: { ...r, earning: { ...r.earning, categoryMultipliers: [{ category: 'fresh', multiplierPercent: 150.5 }] } } })],
    ['an unknown field', (r: ProgramRules) => ({ rules: { ...r, bonus: true } })],
    ['a zero perMinor', (r: ProgramRules) => ({ rules: { ...r, earning: { ...r.earning, baseRate: { points: 1, perMinor: 0 } } } })],
    ['a bad RRULE', (r: ProgramRules) => ({ rules: { ...r, promotions: [{ ...doublePoints, recurrence: { ...doublePoints.recurrence, rrule: 'FREQ=WEEKLY;BYDAY=XX' } }] } })],
    // Issue 15, finding 1: rules that repeat more often than daily, or never occur, stalled every basket.
    ['a promotion repeating every second', (r: ProgramRules) => ({ rules: { ...r, promotions: [{ ...doublePoints, recurrence: { ...doublePoints.recurrence, rrule: 'FREQ=SECONDLY' } }] } })],
    ['a promotion by the second within a day', (r: ProgramRules) => ({ rules: { ...r, promotions: [{ ...doublePoints, recurrence: { ...doublePoints.recurrence, rrule: 'FREQ=DAILY;BYSECOND=0,1,2,3' } }] } })],
    ['a promotion on a date that never occurs', (r: ProgramRules) => ({ rules: { ...r, promotions: [{ ...doublePoints, recurrence: { ...doublePoints.recurrence, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } }] } })],
    ['endsOn before startsOn', (r: ProgramRules) => ({ rules: { ...r, promotions: [{ ...doublePoints, endsOn: '2025-12-31' }] } })],
    ['an unknown expiry kind', (r: ProgramRules) => ({ rules: { ...r, expiry: { kind: 'someday' } } })],
    ['an effectiveFrom in the past', (r: ProgramRules) => ({ rules: r, effectiveFrom: '2020-01-01T00:00:00Z' })],
    ['duplicate tier codes', (r: ProgramRules) => ({ rules: { ...r, tiers: [{ code: 'g', name: 'G', threshold: 1 }, { code: 'g', name: 'G2', threshold: 2 }] } })],
    ['a missing section', (r: ProgramRules) => ({ rules: { ...r, redemption: undefined } })],
  ])('refuses %s with 400 and writes nothing', async (_name, make) => {
    const before = await versionsOf(a.merchant.id);
    const res = await request(rt().app).put('/v1/program').set(bearer(a.tokens.owner)).send(make(DEFAULT_RULES)).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toMatch(/^body\./);
    expect(await versionsOf(a.merchant.id)).toBe(before);
  });

  it('documents the program and points routes in the OpenAPI document', async () => {
    const doc = (await request(rt().app).get('/openapi.json').expect(200)).body;
    for (const path of ['/v1/program', '/v1/program/versions', '/v1/members/{memberId}/points', '/v1/members/{memberId}/points/adjustments', '/v1/me/points', '/v1/points/reconciliation', '/v1/members/{memberId}/tier']) {
      expect(doc.paths[path]).toBeDefined();
    }
    expect(doc.paths['/v1/program'].put.summary).toContain('managers only promotions');
  });

  it("keeps each merchant's program to itself", async () => {
    const res = await request(rt().app).get('/v1/program/versions').set(bearer(b.tokens.owner)).expect(200);
    expect(res.body).toEqual([]);
    expect((await request(rt().app).get('/v1/program').set(bearer(b.tokens.owner)).expect(200)).body.version).toBe(0);
  });

  it('answers programAt with the version in force at the time, also for future-dated versions', async () => {
    const fx = await createMerchantFixture(rt());
    const t1 = new Date(Date.now() + 1000);
    const v1 = await rt().services.rules.saveProgram(ownerOf(fx), { rules: rulesWith({ pendingDays: 1 }), effectiveFrom: t1 });
    const t2 = new Date(t1.getTime() + 3_600_000);
    const v2 = await rt().services.rules.saveProgram(managerOf(fx), { rules: rulesWith({ pendingDays: 1, promotions: [doublePoints] as ProgramRules['promotions'] }), effectiveFrom: t2 });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await rt().services.rules.programAt(fx.merchant.id, new Date(t1.getTime() - 1))).toMatchObject({ version: 0, pendingDays: 0 });
    expect(await rt().services.rules.programAt(fx.merchant.id, t1)).toMatchObject({ version: 1, pendingDays: 1, promotions: [] });
    expect(await rt().services.rules.programAt(fx.merchant.id, new Date(t2.getTime() - 1))).toMatchObject({ version: 1 });
    expect(await rt().services.rules.programAt(fx.merchant.id, t2)).toMatchObject({ version: 2, promotions: [{ code: 'TUE' }] });
    const list = await request(rt().app).get('/v1/program/versions').set(bearer(fx.tokens.owner)).expect(200);
    expect(list.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });
});
