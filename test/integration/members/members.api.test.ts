import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { Card } from '../../../src/cards/card.entity';
import { MemberChange } from '../../../src/members/member-change.entity';
import { MemberConsent } from '../../../src/members/member-consent.entity';
import { Member } from '../../../src/members/member.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachDb('members: enrolment, search, history, consents, merge', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    // A Thai shop: numbers typed without +66 are read as Thai numbers.
    a = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH', timeZone: 'Asia/Bangkok' });
    b = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH' });
  });

  const count = (entity: typeof Member | typeof Card | typeof MemberConsent, merchantId: string) => rt().db.manager.countBy(entity, { merchantId });

  async function enrolAtTill(f: MerchantFixture, body: Record<string, unknown>) {
    return request(rt().app).post('/v1/pos/members').set(auth(f.tokens.terminal)).send(body);
  }

  it('enrols at the till in one call: E.164 phone, digital card, consents with source till', async () => {
    const res = await enrolAtTill(a, {
      firstName: ' Somchai ',
      phone: '+66 81 234 5678',
      consents: { marketingSms: true, profiling: false },
    });
    expect(res.status).toBe(201);
    expect(res.body.member).toMatchObject({ firstName: 'Somchai', lastName: null, phone: '+66812345678', status: 'active', enrolledBy: 'till', enrolledStoreId: a.store.id });
    expect(res.body.member.memberNumber).toMatch(/^[1-9]\d{7}$/);
    expect(res.body.card).toMatchObject({ kind: 'digital', status: 'active', memberId: res.body.member.id });
    expect(res.body.card.number).toMatch(/^2\d{12}$/);

    const consents = await request(rt().app).get(`/v1/members/${res.body.member.id}/consents`).set(auth(a.tokens.cashier)).expect(200);
    expect(consents.body.current.marketingSms).toMatchObject({ granted: true, source: 'till' });
    expect(consents.body.current.profiling).toMatchObject({ granted: false, source: 'till' });
    expect(consents.body.current.marketingEmail).toBeNull();
    expect(consents.body.history).toHaveLength(2);
    expect(consents.body.history[0]).toMatchObject({ actorKind: 'terminal', actorId: a.terminal.id });
  });

  it('refuses a duplicate phone in another format and a duplicate email in another case with MEMBER_EXISTS', async () => {
    const first = await request(rt().app)
      .post('/v1/members')
      .set(auth(a.tokens.cashier))
      .send({ firstName: 'Nok', lastName: 'Chai', phone: '+66 89 111 2222', email: 'Nok@Example.test' })
      .expect(201);
    expect(first.body.member).toMatchObject({ phone: '+66891112222', email: 'nok@example.test', enrolledBy: 'back-office' });
    const before = await count(Member, a.merchant.id);

    const samePhone = await enrolAtTill(a, { firstName: 'Other', phone: '0891112222' });
    expect(samePhone.status).toBe(409);
    expect(samePhone.body.error).toMatchObject({ code: 'MEMBER_EXISTS', details: { field: 'phone', memberNumber: first.body.member.memberNumber } });

    const sameEmail = await request(rt().app).post('/v1/members').set(auth(a.tokens.manager)).send({ firstName: 'Other', email: 'NOK@example.TEST' });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error).toMatchObject({ code: 'MEMBER_EXISTS', details: { field: 'email', memberNumber: first.body.member.memberNumber } });

    // The same phone at another merchant is a different person.
    await enrolAtTill(b, { firstName: 'Nok B', phone: '0891112222' }).then((r) => expect(r.status).toBe(201));
    expect(await count(Member, a.merchant.id)).toBe(before);
  });

  it('lets only one of several tills enrolling the same phone at once succeed', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => enrolAtTill(a, { firstName: `Race ${i}`, phone: i % 2 ? '+66 81 444 0000' : '0814440000' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array.from({ length: 5 }, () => [409, 'MEMBER_EXISTS']));
    expect(await rt().db.manager.countBy(Member, { merchantId: a.merchant.id, phone: '+66814440000' })).toBe(1);
  });

  it('refuses bad input with details and writes nothing', async () => {
    const members = await count(Member, a.merchant.id);
    const cards = await count(Card, a.merchant.id);
    const consents = await count(MemberConsent, a.merchant.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ firstName: 'No contact' }, 'body.phone'],
      [{ firstName: '', phone: '0812000001' }, 'body.firstName'],
      [{ firstName: 'X', phone: '0812000001', extra: 1 }, 'body'],
      [{ firstName: 'X', email: 'not-an-email' }, 'body.email'],
      [{ firstName: 'X', phone: '12' }, 'body.phone'],
      [{ firstName: 'X', phone: '0812000001', consents: { marketingSms: 'yes' } }, 'body.consents.marketingSms'],
      // Card problems surface after the member row is written: the transaction rolls it all back.
      [{ firstName: 'X', phone: '0812000001', consents: { marketingSms: true }, cardCode: '2712345678903' }, ''],
      [{ firstName: 'X', phone: '0812000001', consents: { marketingSms: true }, cardCode: '2712345678902' }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await enrolAtTill(a, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await count(Member, a.merchant.id)).toBe(members);
    expect(await count(Card, a.merchant.id)).toBe(cards);
    expect(await count(MemberConsent, a.merchant.id)).toBe(consents);
  });

  it('finds members by name words, phone in any format, email, member number and card number; never another merchant', async () => {
    const { body } = await request(rt().app)
      .post('/v1/members')
      .set(auth(a.tokens.cashier))
      .send({ firstName: 'Ann', lastName: 'Lee-Search', phone: '0817770001', email: 'ann.search@example.test' })
      .expect(201);
    const id = body.member.id;
    const search = async (q: string, f = a) => (await request(rt().app).get('/v1/members').query({ q }).set(auth(f.tokens.cashier)).expect(200)).body;
    for (const q of ['ann lee-search', 'LEE-SEARCH', '+66 81 777 0001', '081-777-0001', 'ANN.SEARCH@example.test', body.member.memberNumber, body.card.number]) {
      const page = await search(q);
      expect([q, page.items.map((m: { id: string }) => m.id)]).toEqual([q, [id]]);
      expect(page.total).toBe(1);
    }
    expect((await search('100%')).total).toBe(0);
    expect((await search(body.member.memberNumber, b)).total).toBe(0);
    expect((await search('ann lee-search', b)).total).toBe(0);

    const paged = await request(rt().app).get('/v1/members').query({ limit: 1, offset: 1 }).set(auth(a.tokens.cashier)).expect(200);
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.total).toBeGreaterThan(2);
    await request(rt().app).get('/v1/members').query({ limit: 500 }).set(auth(a.tokens.cashier)).expect(400);
  });

  it('shows a profile with completeness and cards, keeps every change with old and new values', async () => {
    const { body } = await enrolAtTill(a, { firstName: 'Mali', phone: '0812223333' });
    const id = body.member.id;
    const profile = await request(rt().app).get(`/v1/members/${id}`).set(auth(a.tokens.cashier)).expect(200);
    expect(profile.body.completeness).toEqual({ score: 30, missing: ['email', 'birthDate', 'consents', 'lastName'] });
    expect(profile.body.cards).toHaveLength(1);
    expect(profile.body.stats).toBeNull();

    const patched = await request(rt().app)
      .patch(`/v1/members/${id}`)
      .set(auth(a.tokens.cashier))
      .send({ lastName: 'Srisuk', email: 'Mali@Example.test', phone: '+66 81 222 4444', birthDate: '1990-02-03' })
      .expect(200);
    expect(patched.body).toMatchObject({ lastName: 'Srisuk', email: 'mali@example.test', phone: '+66812224444', birthDate: '1990-02-03' });

    const changes = await request(rt().app).get(`/v1/members/${id}/changes`).set(auth(a.tokens.cashier)).expect(200);
    const byField = Object.fromEntries(changes.body.items.map((c: { field: string }) => [c.field, c]));
    expect(byField.phone).toMatchObject({ oldValue: '+66812223333', newValue: '+66812224444', actorKind: 'staff', actorId: a.cashier.id });
    expect(byField.email).toMatchObject({ oldValue: null, newValue: 'mali@example.test' });
    expect(byField.lastName).toMatchObject({ oldValue: null, newValue: 'Srisuk' });
    expect(changes.body.items).toHaveLength(4);

    // The same values again change nothing and add no history.
    await request(rt().app).patch(`/v1/members/${id}`).set(auth(a.tokens.cashier)).send({ lastName: 'Srisuk', email: 'MALI@example.test' }).expect(200);
    expect(await rt().db.manager.countBy(MemberChange, { memberId: id })).toBe(4);

    // Bad input: nothing written.
    const bad = await request(rt().app).patch(`/v1/members/${id}`).set(auth(a.tokens.cashier)).send({ birthDate: '2999-01-01', lastName: 'Changed' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.birthDate');
    const cleared = await request(rt().app).patch(`/v1/members/${id}`).set(auth(a.tokens.cashier)).send({ phone: null, email: null });
    expect(cleared.status).toBe(400);
    expect(await rt().db.manager.countBy(MemberChange, { memberId: id })).toBe(4);

    // Derived stats written by the purchases module show in the profile.
    await rt().services.members.refreshStats(a.merchant.id, id, async () => ({
      firstPurchaseAt: new Date('2026-01-02T03:04:05.000Z'),
      lastPurchaseAt: new Date('2026-02-02T03:04:05.000Z'),
      visits: 3,
      spendMinor: 123_456,
      averageBasketMinor: 41_152,
      favouriteStoreId: a.store.id,
      topCategories: ['dairy', 'bakery'],
    }));
    await rt().services.members.refreshStats(a.merchant.id, id, async () => ({
      firstPurchaseAt: new Date('2026-01-02T03:04:05.000Z'),
      lastPurchaseAt: new Date('2026-02-03T03:04:05.000Z'),
      visits: 4,
      spendMinor: 130_000,
      averageBasketMinor: 32_500,
      favouriteStoreId: a.store.id,
      topCategories: ['dairy'],
    }));
    const after = await request(rt().app).get(`/v1/members/${id}`).set(auth(a.tokens.cashier)).expect(200);
    expect(after.body.stats).toMatchObject({ visits: 4, spendMinor: 130_000, averageBasketMinor: 32_500, topCategories: ['dairy'], lastPurchaseAt: '2026-02-03T03:04:05.000Z' });
    expect(after.body.completeness).toEqual({ score: 80, missing: ['consents'] });
  });

  it('changes status (managers only), records it, and hides members from other merchants', async () => {
    const { body } = await enrolAtTill(a, { firstName: 'Status', email: 'status@example.test' });
    const id = body.member.id;
    await request(rt().app).post(`/v1/members/${id}/status`).set(auth(a.tokens.cashier)).send({ status: 'suspended' }).expect(403);
    await request(rt().app).post(`/v1/members/${id}/status`).set(auth(a.tokens.manager)).send({ status: 'frozen' }).expect(400);
    const res = await request(rt().app).post(`/v1/members/${id}/status`).set(auth(a.tokens.manager)).send({ status: 'suspended', reason: 'card misuse' }).expect(200);
    expect(res.body).toMatchObject({ status: 'suspended', statusReason: 'card misuse' });
    const changes = await request(rt().app).get(`/v1/members/${id}/changes`).set(auth(a.tokens.cashier)).expect(200);
    expect(changes.body.items).toEqual([expect.objectContaining({ field: 'status', oldValue: 'active', newValue: 'suspended', actorId: a.manager.id })]);
    await expect(rt().services.members.findForTill(a.merchant.id, { memberNumber: body.member.memberNumber })).rejects.toMatchObject({ code: 'MEMBER_NOT_ACTIVE' });

    for (const [method, path, send] of [
      ['get', `/v1/members/${id}`, undefined],
      ['patch', `/v1/members/${id}`, { firstName: 'Hacked' }],
      ['get', `/v1/members/${id}/changes`, undefined],
      ['get', `/v1/members/${id}/consents`, undefined],
      ['post', `/v1/members/${id}/status`, { status: 'closed' }],
    ] as const) {
      const r = await request(rt().app)[method](path).set(auth(b.tokens.owner)).send(send);
      expect([path, r.status, r.body.error.code]).toEqual([path, 404, 'MEMBER_NOT_FOUND']);
    }
    expect((await rt().db.manager.findOneByOrFail(Member, { id })).firstName).toBe('Status');
  });

  it('finds members at the till by phone or member number', async () => {
    const { body } = await enrolAtTill(a, { firstName: 'Till', phone: '0815550000' });
    const byPhone = await rt().services.members.findForTill(a.merchant.id, { phone: '+66 81 555 0000' });
    expect(byPhone.id).toBe(body.member.id);
    const byNumber = await rt().services.members.findForTill(a.merchant.id, { memberNumber: body.member.memberNumber });
    expect(byNumber.id).toBe(body.member.id);
    await expect(rt().services.members.findForTill(b.merchant.id, { phone: '0815550000' })).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
  });

  it('merges two members (managers): cards and missing contact details move, the source is closed, all recorded', async () => {
    const from = (await enrolAtTill(a, { firstName: 'Dup', phone: '0816660001', email: 'dup@example.test' })).body;
    const into = (await enrolAtTill(a, { firstName: 'Dup', lastName: 'Real', phone: '0816660002' })).body;
    const other = (await enrolAtTill(b, { firstName: 'Foreign', phone: '0816660003' })).body;
    const managerA = { kind: 'staff' as const, merchantId: a.merchant.id, userId: a.manager.id, role: 'manager' as const, storeIds: null };
    await rt().services.pointsAdjustments.adjust(managerA, from.member.id, { points: 150, reason: 'welcome', idempotencyKey: null });
    await rt().services.pointsAdjustments.adjust(managerA, into.member.id, { points: 50, reason: 'welcome', idempotencyKey: null });

    await request(rt().app).post(`/v1/members/${from.member.id}/merge`).set(auth(a.tokens.cashier)).send({ intoMemberId: into.member.id }).expect(403);
    await request(rt().app).post(`/v1/members/${from.member.id}/merge`).set(auth(a.tokens.manager)).send({ intoMemberId: other.member.id }).expect(404);
    await request(rt().app).post(`/v1/members/${from.member.id}/merge`).set(auth(a.tokens.manager)).send({ intoMemberId: from.member.id }).expect(422);

    const res = await request(rt().app).post(`/v1/members/${from.member.id}/merge`).set(auth(a.tokens.manager)).send({ intoMemberId: into.member.id }).expect(200);
    expect(res.body.cardsMoved).toBe(1);
    expect(res.body.member).toMatchObject({ id: into.member.id, email: 'dup@example.test', phone: '+66816660002' });

    const closed = await request(rt().app).get(`/v1/members/${from.member.id}`).set(auth(a.tokens.cashier)).expect(200);
    expect(closed.body.member).toMatchObject({ status: 'closed', mergedIntoId: into.member.id, email: null });
    expect(closed.body.cards).toHaveLength(0);
    const target = await request(rt().app).get(`/v1/members/${into.member.id}`).set(auth(a.tokens.cashier)).expect(200);
    expect(target.body.cards.map((c: { number: string }) => c.number).sort()).toEqual([from.card.number, into.card.number].sort());

    const fromChanges = (await request(rt().app).get(`/v1/members/${from.member.id}/changes`).set(auth(a.tokens.cashier))).body.items;
    expect(fromChanges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'mergedInto', newValue: into.member.memberNumber }),
        expect.objectContaining({ field: 'status', oldValue: 'active', newValue: 'closed' }),
      ]),
    );
    const intoChanges = (await request(rt().app).get(`/v1/members/${into.member.id}/changes`).set(auth(a.tokens.cashier))).body.items;
    expect(intoChanges).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mergedFrom', newValue: from.member.memberNumber }), expect.objectContaining({ field: 'email', newValue: 'dup@example.test' })]));
    expect(await rt().db.manager.countBy(AuditEntry, { merchantId: a.merchant.id, action: 'member.merge', entityId: into.member.id })).toBe(1);
    // The balance moved with the member, and the ledger still adds up.
    expect((await rt().services.points.summary(a.merchant.id, into.member.id)).available).toBe(200);
    expect((await rt().services.points.summary(a.merchant.id, from.member.id)).available).toBe(0);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);

    // Merged members stay closed and cannot be merged again.
    await request(rt().app).post(`/v1/members/${from.member.id}/status`).set(auth(a.tokens.manager)).send({ status: 'active' }).expect(409);
    await request(rt().app).post(`/v1/members/${from.member.id}/merge`).set(auth(a.tokens.manager)).send({ intoMemberId: into.member.id }).expect(409);
  });

  it('lets only staff use the back-office routes', async () => {
    const member = (await enrolAtTill(a, { firstName: 'Role', phone: '0813330000' })).body.member;
    await request(rt().app).get('/v1/members').set(auth(a.tokens.terminal)).expect(403);
    await request(rt().app).get(`/v1/members/${member.id}`).expect(401);
    await request(rt().app).post('/v1/card-batches').set(auth(a.tokens.cashier)).send({ count: 1 }).expect(403);
  });
});
