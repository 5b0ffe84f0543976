import type { Server } from 'node:http';
import request from 'supertest';
import {
  abcClasses,
  auc,
  churnRisk,
  fitBgNbd,
  gapSums,
  merchantRhythm,
  probabilityAlive,
  rfmScores,
  summarizeMember,
  visitsAsOf,
  gapsOf,
  type BgNbdParams,
} from '../../../src/analytics';
import { MemberFacts } from '../../../src/analytics/member-facts.entity';
import { MemberScore } from '../../../src/analytics/member-score.entity';
import { dayOfDate } from '../../../src/analytics/scoring';
import { Member } from '../../../src/members/member.entity';
import { startJobs } from '../../../src/jobs/start-jobs';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { eventually } from '../../support/wait';
import { closeServer, commit, enrol, line, listen } from '../pos/till-helpers';
import { importWorld, makeWorld, type WorldMember } from './analytics-world';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const AS_OF = '2024-10-01';
const NOW = new Date('2025-02-01T12:00:00Z');

describeEachDb('analytics: member facts, scoring runs and their API', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let world: WorldMember[];
  let idOf: Map<string, string>;
  let server: Server;

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    b = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    world = makeWorld(160);
    await importWorld(rt().app, a.tokens.owner, a.store.code, world);
    const members = await rt().db.manager.find(Member, { where: { merchantId: a.merchant.id } });
    idOf = new Map(members.map((m) => [m.externalId ?? '', m.id]));
  }, 400_000);
  afterAll(() => closeServer(server));

  const get = (path: string, query: Record<string, unknown> = {}, token = a.tokens.owner) => request(rt().app).get(path).query(query).set(auth(token));

  /** Starts a run through the API and runs its job. */
  async function run(asOf: string, f = a): Promise<string> {
    const res = await request(rt().app).post('/v1/analytics/runs').set(auth(f.tokens.manager)).send({ asOf }).expect(202);
    expect(res.body).toMatchObject({ asOf, status: 'queued', trigger: 'request' });
    await rt().services.analyticsScoring.run(res.body.id, NOW);
    return res.body.id;
  }

  it('rebuilds every member’s facts set-based, as the pure definitions compute them', async () => {
    const count = await rt().services.memberFacts.rebuild(a.merchant.id, NOW);
    const buyers = world.filter((m) => visitsAsOf(m.purchases, Infinity).length > 0);
    expect(count).toBe(buyers.length);
    for (const m of buyers.slice(0, 60)) {
      const facts = await rt().db.manager.findOneByOrFail(MemberFacts, { merchantId: a.merchant.id, memberId: idOf.get(m.externalId)! });
      const summary = summarizeMember(m.purchases, dayOfDate('2025-01-31'))!;
      const visits = visitsAsOf(m.purchases, Infinity);
      const gaps = gapSums(gapsOf(visits.map((v) => v.day)));
      expect(facts).toMatchObject({ firstDay: summary.firstDay, lastDay: summary.lastDay, visits: summary.purchases, spendMinor: summary.totalSpendMinor, firstVisitMinor: visits[0].amountMinor, gapCount: gaps.count, stores: 1, receipts: m.purchases.length });
      expect(facts.gapLogSum).toBeCloseTo(gaps.logSum, 9);
      expect(facts.gapLogSquares).toBeCloseTo(gaps.logSquares, 9);
    }
    // The other merchant has none.
    expect(await rt().db.manager.countBy(MemberFacts, { merchantId: b.merchant.id })).toBe(0);
  });

  it('scores as of a past date from the purchases before it: RFM, ABC, fit and churn as the pure models give them', async () => {
    const runId = await run(AS_OF);
    const asOfDay = dayOfDate(AS_OF);
    // Purchases before the as-of day only: the pure summary as of the day before.
    const known = world
      .map((m) => ({ m, summary: summarizeMember(m.purchases, asOfDay - 1) }))
      .filter((x): x is { m: WorldMember; summary: NonNullable<ReturnType<typeof summarizeMember>> } => x.summary !== null);
    const rows = await rt().db.manager.find(MemberScore, { where: { runId } });
    expect(rows).toHaveLength(known.length);
    const byMember = new Map(rows.map((r) => [r.memberId, r]));

    const rfm = rfmScores(known.map(({ summary }) => ({ daysSinceLast: asOfDay - summary.lastDay, purchases: summary.purchases, spendMinor: summary.totalSpendMinor })));
    const abc = abcClasses(known.map(({ summary }) => summary.totalSpendMinor));
    const fit = fitBgNbd({
      frequency: known.map(({ summary }) => summary.frequency),
      recency: known.map(({ summary }) => summary.recency),
      T: known.map(({ summary }) => asOfDay - summary.firstDay),
    });
    expect(fit.status).toBe('fitted');
    const params = (fit as { params: BgNbdParams }).params;
    const diagnostics = (await get('/v1/analytics/diagnostics', { asOf: AS_OF }).expect(200)).body.diagnostics;
    // The run fits the distinct (x, t_x, T) with their counts: the same likelihood, so the same optimum.
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(diagnostics.bgNbd.params[key]).toBeCloseTo(params[key], 2);
    expect(diagnostics.bgNbd.members).toBe(known.length);
    const rhythm = merchantRhythm(known.map(({ m }) => gapsOf(visitsAsOf(m.purchases, asOfDay - 1).map((v) => v.day))));

    known.forEach(({ m, summary }, i) => {
      const row = byMember.get(idOf.get(m.externalId)!)!;
      expect({ r: row.rScore, f: row.fScore, m: row.mScore, segment: row.segment, abc: row.abc }).toEqual({ ...rfm[i], abc: abc[i] });
      const pAlive = probabilityAlive(diagnostics.bgNbd.params, summary.frequency, summary.recency, asOfDay - summary.firstDay);
      const churn = churnRisk({ visitDays: visitsAsOf(m.purchases, asOfDay - 1).map((v) => v.day), asOfDay, probabilityAlive: pAlive, merchant: rhythm })!;
      expect(row.churnRisk).toBe(churn.score);
      expect(row.usualGapDays).toBe(churn.reason.usualGapDays);
      expect(row.pAlive).toBeCloseTo(pAlive, 9);
    });

    const overview = (await get('/v1/analytics/overview', { asOf: AS_OF }).expect(200)).body;
    expect(overview.segments.reduce((s: number, x: { members: number }) => s + x.members, 0)).toBe(known.length);
    expect(overview.grid.reduce((s: number, x: { members: number }) => s + x.members, 0)).toBe(known.length);
    expect(overview.abc.members.find((c: { class: string }) => c.class === 'A').count).toBe(abc.filter((c) => c === 'A').length);
    expect(overview.clv.buckets.reduce((s: number, x: { members: number }) => s + x.members, 0)).toBe(known.length);
    // The holdout (90 days after 2024-10-01) is over by NOW: expected and actual visits are reported.
    expect(diagnostics.holdout).toMatchObject({ days: 90, members: known.length });
    expect(diagnostics.holdout.actual).toBeGreaterThan(0);
  });

  it('backtests the churn score: AUC against who did not come back within N days', async () => {
    const asOfDay = dayOfDate(AS_OF);
    const res = (await get('/v1/analytics/backtest', { asOf: AS_OF, days: 60 }).expect(200)).body;
    const rows = await rt().db.manager.find(MemberScore, { where: { runId: (await get('/v1/analytics/diagnostics', { asOf: AS_OF })).body.runId } });
    const byId = new Map(world.map((m) => [idOf.get(m.externalId)!, m]));
    const labels = rows.map((r) => visitsAsOf(byId.get(r.memberId)!.purchases, asOfDay + 59).filter((v) => v.day >= asOfDay).length === 0);
    expect(res).toMatchObject({ asOf: AS_OF, days: 60, members: rows.length, didNotComeBack: labels.filter(Boolean).length, complete: true });
    expect(res.aucChurnRisk).toBeCloseTo(auc(rows.map((r) => r.churnRisk!), labels)!, 9);
    expect(res.aucRecency).toBeCloseTo(auc(rows.map((r) => r.daysSinceLast), labels)!, 9);
    expect(res.aucChurnRisk).toBeGreaterThan(0.6);
  });

  it('lists members by cell, segment and value at stake, exports CSV, and shows a member’s panel', async () => {
    const cell = (await get('/v1/analytics/members', { asOf: AS_OF, r: 5, f: 5 }).expect(200)).body;
    const overview = (await get('/v1/analytics/overview', { asOf: AS_OF })).body;
    expect(cell.total).toBe(overview.grid.find((g: { r: number; f: number }) => g.r === 5 && g.f === 5)?.members ?? 0);
    for (const item of cell.items) expect(item).toMatchObject({ r: 5, f: 5, segment: 'Champions' });

    const atRisk = (await get('/v1/analytics/members', { asOf: AS_OF, minRisk: 50, sort: 'atStake', limit: 200 }).expect(200)).body;
    expect(atRisk.items.length).toBeGreaterThan(0);
    const stakes = atRisk.items.map((i: { atStakeMinor: number }) => i.atStakeMinor);
    expect(stakes).toEqual([...stakes].sort((p, q) => q - p));
    for (const item of atRisk.items) expect(item.churnRisk).toBeGreaterThanOrEqual(50);
    expect(atRisk.items[0].name).toMatch(/^Member M-/);

    const csv = await get('/v1/analytics/members.csv', { asOf: AS_OF, minRisk: 50, sort: 'atStake' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^member_id,member_number,name,segment/);
    expect(lines).toHaveLength(atRisk.total + 1);

    const memberId = atRisk.items[0].memberId;
    const panel = (await get(`/v1/analytics/members/${memberId}`, { asOf: AS_OF }).expect(200)).body;
    expect(panel.scores).toMatchObject({ memberId, churnRisk: atRisk.items[0].churnRisk });
    expect(panel.facts.visits).toBeGreaterThanOrEqual(panel.scores.visits);
  });

  it('keeps facts current from purchase events, once per member per relay round, and moves segments between runs', async () => {
    const ana = await enrol(server, a, 'Ana');
    await commit(server, a, { memberId: ana.memberId, lines: [line('MILK', 'dairy', 1000, 250)] }).expect(201);
    await commit(server, a, { memberId: ana.memberId, lines: [line('TEA', 'drinks', 2000, 300)] }).expect(201);
    const refresh = jest.spyOn(rt().services.memberFacts, 'refresh');
    const jobs = await startJobs(rt(), { consume: true, jobs: rt().jobs.filter((j) => j.name === 'events.dispatch'), relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    try {
      const facts = await eventually(async () => {
        const f = await rt().services.memberFacts.factsOf(a.merchant.id, ana.memberId);
        expect(f).not.toBeNull();
        return f!;
      }, 20_000);
      expect(facts).toMatchObject({ visits: 1, receipts: 2, spendMinor: 250 + 600, categories: 2 });
      expect(refresh.mock.calls.filter(([, ids]) => ids.includes(ana.memberId))).toHaveLength(1);
    } finally {
      await jobs.stop();
      refresh.mockRestore();
    }
    const second = await run('2024-12-01');
    const overview = (await get('/v1/analytics/overview', { asOf: '2024-12-01' }).expect(200)).body;
    expect(overview.run.id).toBe(second);
    expect(overview.movement.previousAsOf).toBe(AS_OF);
    expect(overview.movement.moves.reduce((s: number, x: { members: number }) => s + x.members, 0)).toBe(overview.run.members);
  }, 60_000);

  it('gives the till a hint for an overdue member, and none for a member on rhythm', async () => {
    const atRisk = (await get('/v1/analytics/members', { minRisk: 80, sort: 'atStake', limit: 1 }).expect(200)).body.items[0];
    const lookup = await request(rt().app).get('/v1/pos/members').query({ number: atRisk.memberNumber }).set(auth(a.tokens.terminal)).expect(200);
    // The newest run's risk; days since the last visit counted to today.
    expect(lookup.body.rhythm).toMatchObject({ churnRisk: atRisk.churnRisk, usualGapDays: atRisk.reason.usualGapDays });
    expect(lookup.body.rhythm.daysSinceLast).toBeGreaterThan(atRisk.daysSinceLast);
    const calm = (await get('/v1/analytics/members', { sort: 'recency', limit: 200 }).expect(200)).body.items.find((m: { churnRisk: number }) => m.churnRisk < 50);
    const quiet = await request(rt().app).get('/v1/pos/members').query({ number: calm.memberNumber }).set(auth(a.tokens.terminal)).expect(200);
    expect(quiet.body.rhythm).toBeNull();
  });

  it('refuses bad input, other roles and other merchants’ members; says when there are no scores', async () => {
    await request(rt().app).post('/v1/analytics/runs').set(auth(a.tokens.owner)).send({ asOf: '2999-01-01' }).expect(400);
    await request(rt().app).post('/v1/analytics/runs').set(auth(a.tokens.owner)).send({ asOf: '2024-01-01', margin: 2 }).expect(400);
    for (const asOf of ['2024-02-30', '2024-13-01', '0000-00-00', '1999-12-31']) await request(rt().app).post('/v1/analytics/runs').set(auth(a.tokens.owner)).send({ asOf }).expect(400);
    await get('/v1/analytics/members', { offset: 1e21 }).expect(400);
    await request(rt().app).post('/v1/analytics/runs').set(auth(a.tokens.owner)).send({ aPercent: 90, bPercent: 20 }).expect(400);
    await request(rt().app).post('/v1/analytics/runs').set(auth(a.tokens.cashier)).send({}).expect(403);
    await get('/v1/analytics/members', { sort: 'nonsense' }).expect(400);
    const none = await get('/v1/analytics/overview', {}, b.tokens.owner).expect(404);
    expect(none.body.error.code).toBe('NO_SCORES');
    await get('/v1/analytics/overview', { asOf: '2020-01-01' }).expect(404);
    await get(`/v1/analytics/members/${idOf.get('M-0001')}`, {}, b.tokens.owner).expect(404);
  });

  it('says "too few data" instead of guessing for a small shop', async () => {
    const small = makeWorld(12, 3);
    await importWorld(rt().app, b.tokens.owner, b.store.code, small);
    await run('2024-12-01', b);
    const overview = (await get('/v1/analytics/overview', {}, b.tokens.owner).expect(200)).body;
    expect(overview.tooFewData.join(' ')).toMatch(/BG\/NBD: .*members; at least 100 are needed/);
    expect(overview.clv).toBeNull();
    const list = (await get('/v1/analytics/members', {}, b.tokens.owner).expect(200)).body;
    expect(list.items[0]).toMatchObject({ clvMinor: null, pAlive: null });
    expect(list.items[0].churnRisk).not.toBeNull();
  });
});
