import type { Server } from 'node:http';
import request from 'supertest';
import { startJobs } from '../../../src/jobs/start-jobs';
import { SegmentMemberChange } from '../../../src/segments/segment-member-change.entity';
import { SegmentMember } from '../../../src/segments/segment-member.entity';
import { Segment } from '../../../src/segments/segment.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { eventually } from '../../support/wait';
import { closeServer, commit, enrol, line, listen, uniqueKey } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describeEachDb('rule segments: conditions over facts, AND / OR, live count, refresh with history', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  /** Three visits in the last five days, dairy (the till takes sales up to 14 days old). */
  let ana: string;
  /** One visit 12 days ago, 20.00 of drinks. */
  let ben: string;
  /** No purchase; said no to marketing email. */
  let cy: string;

  const post = (path: string, body: unknown, token = a.tokens.owner) => request(server).post(path).set(auth(token)).send(body as object);
  const members = async (segmentId: string) => (await rt().db.manager.find(SegmentMember, { where: { segmentId } })).map((m) => m.memberId).sort();

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    ana = (await enrol(server, a, 'Ana')).memberId;
    ben = (await enrol(server, a, 'Ben')).memberId;
    const noEmail = await request(server)
      .post('/v1/pos/members')
      .set(auth(a.tokens.terminal))
      .send({ firstName: 'Cy', email: `${uniqueKey('cy')}@example.test`, consents: { marketingEmail: false } })
      .expect(201);
    cy = noEmail.body.member.id;
    for (const d of [1, 3, 5]) await commit(server, a, { memberId: ana, occurredAt: daysAgo(d), lines: [line('MILK', 'dairy', 1000, 500)] }).expect(201);
    await commit(server, a, { memberId: ben, occurredAt: daysAgo(12), lines: [line('COLA', 'drinks', 1000, 2000)] }).expect(201);
  });
  afterAll(() => closeServer(server));

  it('counts live what the rules select: windows, sums, categories, stores, consent and groups', async () => {
    const count = async (rules: unknown) => (await post('/v1/segments/preview', { rules }).expect(200)).body;
    expect(await count({ match: 'all', conditions: [{ field: 'visits', withinDays: 14, min: 2 }] })).toEqual({ count: 1, warnings: [] });
    // No positive minimum: members who never bought qualify too.
    expect((await count({ match: 'all', conditions: [{ field: 'visits', withinDays: 7, max: 0 }] })).count).toBe(2);
    expect((await count({ match: 'all', conditions: [{ field: 'spend', withinDays: 14, min: 1500 }] })).count).toBe(2);
    expect((await count({ match: 'all', conditions: [{ field: 'spend', withinDays: 14, min: 2000 }] })).count).toBe(1);
    expect((await count({ match: 'all', conditions: [{ field: 'spend', withinDays: 7, min: 2000 }] })).count).toBe(0);
    expect((await count({ match: 'all', conditions: [{ field: 'boughtCategory', withinDays: 14, categories: ['dairy'] }] })).count).toBe(1);
    expect((await count({ match: 'all', conditions: [{ field: 'boughtAtStore', withinDays: 14, storeIds: [a.store.id] }] })).count).toBe(2);
    expect((await count({ match: 'all', conditions: [{ field: 'consent', kind: 'marketing_email' }] })).count).toBe(2);
    const either = { match: 'any', conditions: [{ field: 'visits', withinDays: 14, min: 2 }, { field: 'spend', withinDays: 14, min: 2000 }] };
    expect((await count(either)).count).toBe(2);
    expect((await count({ match: 'all', conditions: [{ field: 'consent', kind: 'marketing_email' }, { match: 'any', conditions: [{ field: 'visits', withinDays: 7, max: 0 }] }] })).count).toBe(1);
  });

  it('says when score conditions cannot select anyone yet', async () => {
    const res = await post('/v1/segments/preview', { rules: { match: 'all', conditions: [{ field: 'churnRisk', min: 50 }] } }).expect(200);
    expect(res.body).toMatchObject({ count: 0, warnings: [{ code: 'NO_SCORES' }] });
  });

  it('fills a rules segment at once and keeps who entered and left as purchases and rule changes move them', async () => {
    const rules = { match: 'all', conditions: [{ field: 'boughtCategory', withinDays: 14, categories: ['dairy'] }] };
    const segment = (await post('/v1/segments', { name: 'Dairy buyers', rules }).expect(201)).body;
    expect(segment).toMatchObject({ kind: 'rules', rules, memberCount: 1 });
    expect(segment.refreshedAt).not.toBeNull();
    expect(await members(segment.id)).toEqual([ana]);

    // Cy buys dairy: the purchase event refreshes the segment for Cy alone.
    await commit(server, a, { memberId: cy, lines: [line('YOG', 'dairy', 1000, 300)] }).expect(201);
    const jobs = await startJobs(rt(), { consume: true, jobs: rt().jobs.filter((j) => j.name === 'events.dispatch'), relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    try {
      await eventually(async () => expect(await members(segment.id)).toEqual([ana, cy].sort()), 20_000);
    } finally {
      await jobs.stop();
    }

    const changed = await request(server)
      .patch(`/v1/segments/${segment.id}`)
      .set(auth(a.tokens.owner))
      .send({ rules: { match: 'all', conditions: [{ field: 'spend', withinDays: 14, min: 1500 }] } })
      .expect(200);
    expect(changed.body.memberCount).toBe(2);
    expect(await members(segment.id)).toEqual([ana, ben].sort());
    const history = (await request(server).get(`/v1/segments/${segment.id}/changes`).set(auth(a.tokens.owner)).expect(200)).body.items;
    const moves = history.map((h: { memberId: string; change: string }) => `${h.change}:${h.memberId === ana ? 'ana' : h.memberId === ben ? 'ben' : 'cy'}`);
    expect(moves.sort()).toEqual(['entered:ana', 'entered:ben', 'entered:cy', 'left:cy']);

    // Cy now spends enough (no event relay runs): two refreshes at once take turns, and Cy enters once.
    await commit(server, a, { memberId: cy, lines: [line('CHEESE', 'dairy', 1000, 1500)] }).expect(201);
    await Promise.all([post(`/v1/segments/${segment.id}/refresh`, {}).expect(200), post(`/v1/segments/${segment.id}/refresh`, {}).expect(200)]);
    expect(await members(segment.id)).toEqual([ana, ben, cy].sort());
    expect(await rt().db.manager.countBy(SegmentMemberChange, { segmentId: segment.id })).toBe(5);
    expect((await request(server).get(`/v1/segments/${segment.id}`).set(auth(a.tokens.owner)).expect(200)).body.memberCount).toBe(3);
    // Two refreshes stamped with the same instant (two requests in one millisecond): the second must not
    // take the first's history rows for its own (it once inserted Dee twice and failed).
    const dee = (await enrol(server, a, 'Dee')).memberId;
    await commit(server, a, { memberId: dee, lines: [line('CREAM', 'dairy', 1000, 1600)] }).expect(201);
    const instant = new Date();
    await Promise.all([rt().services.segments.refresh(a.merchant.id, segment.id, instant), rt().services.segments.refresh(a.merchant.id, segment.id, instant)]);
    expect(await members(segment.id)).toEqual([ana, ben, cy, dee].sort());
    expect(await rt().db.manager.countBy(SegmentMemberChange, { segmentId: segment.id, memberId: dee })).toBe(1);
    const all = (await request(server).get(`/v1/segments/${segment.id}/changes`).set(auth(a.tokens.owner)).expect(200)).body.items;
    const page = (await request(server).get(`/v1/segments/${segment.id}/changes`).query({ limit: 2 }).set(auth(a.tokens.owner)).expect(200)).body.items;
    const rest = (await request(server).get(`/v1/segments/${segment.id}/changes`).query({ limit: 10, beforeId: page[1].id }).set(auth(a.tokens.owner)).expect(200)).body.items;
    expect([...page, ...rest].map((h: { id: number }) => h.id)).toEqual(all.map((h: { id: number }) => h.id));
  });

  it('refuses bad rules with the field named, other roles and other merchants, and rules on a static segment', async () => {
    const bad = [
      { match: 'all', conditions: [] },
      { match: 'all', conditions: [{ field: 'visits', withinDays: 14, min: 5, max: 2 }] },
      { match: 'all', conditions: [{ field: 'visits', withinDays: 14 }] },
      { match: 'all', conditions: [{ field: 'height', min: 2 }] },
      { match: 'both', conditions: [{ field: 'consent', kind: 'marketing_email' }] },
      { match: 'all', conditions: [{ match: 'any', conditions: [{ match: 'all', conditions: [{ field: 'consent', kind: 'marketing_email' }] }] }] },
      { match: 'all', conditions: [{ field: 'enrolled', from: '2026-05-01', before: '2026-04-01' }] },
    ];
    for (const rules of bad) {
      const res = await post('/v1/segments', { name: 'Bad', rules }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toMatch(/^body\.rules/);
    }
    const ok = { match: 'all', conditions: [{ field: 'consent', kind: 'marketing_email' }] };
    await post('/v1/segments', { name: 'Cashier', rules: ok }, a.tokens.cashier).expect(403);
    const theirs = (await post('/v1/segments', { name: 'Theirs', rules: ok }, b.tokens.owner).expect(201)).body;
    expect(theirs.memberCount).toBe(0);
    await post(`/v1/segments/${theirs.id}/refresh`, {}).expect(404);
    await request(server).get(`/v1/segments/${theirs.id}/changes`).set(auth(a.tokens.owner)).expect(404);
    const fixed = (await post('/v1/segments', { name: 'A list' }).expect(201)).body;
    const refused = await request(server).patch(`/v1/segments/${fixed.id}`).set(auth(a.tokens.owner)).send({ rules: ok }).expect(400);
    expect(refused.body.error.details).toEqual([{ path: 'body.rules', message: 'only a rules segment has rules' }]);
    await post(`/v1/segments/${fixed.id}/refresh`, {}).expect(400);
    expect(await rt().db.manager.countBy(Segment, { merchantId: a.merchant.id, name: 'Bad' })).toBe(0);
  });
});
