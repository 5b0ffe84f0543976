import type { Server } from 'node:http';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { newId } from '../../../src/db/ids';
import { EXPORT_PAGE } from '../../../src/exports/exports.service';
import { FeedbackAnswer } from '../../../src/feedback/feedback-answer.entity';
import { MemberChange } from '../../../src/members/member-change.entity';
import { Member } from '../../../src/members/member.entity';
import { Notification } from '../../../src/notifications/notification.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Reads a CSV answer as records, checking the byte order mark spreadsheets need. */
function records(text: string): Record<string, string>[] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return parse(text.slice(1), { columns: true }) as Record<string, string>[];
}

describeEachDb('data out: CSV exports, the member data download and erasure', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt(), { currency: 'EUR' });
    b = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  const csv = (kind: string, token = a.tokens.owner, query: Record<string, string> = {}) => request(server).get(`/v1/exports/${kind}.csv`).query(query).set(auth(token)).buffer(true).parse((res, cb) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => cb(null, text));
  });

  it('exports members with every script intact and formulas defused, only the caller merchant, owners only', async () => {
    const named = async (firstName: string) => (await request(server).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName, email: `${Math.random().toString(36).slice(2)}@example.test` }).expect(201)).body.member.id as string;
    const thai = { memberId: await named('สมชาย') };
    const formula = { memberId: await named('=HYPERLINK("http://evil.example","x")') };
    await enrol(server, b, 'Elsewhere');
    const res = await csv('members').expect(200).expect('content-type', /text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = records(res.body as string);
    expect(rows.find((r) => r.id === thai.memberId)?.first_name).toBe('สมชาย');
    expect(rows.find((r) => r.id === formula.memberId)?.first_name).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows.some((r) => r.first_name === 'Elsewhere')).toBe(false);
    expect(rows).toHaveLength(await rt().db.manager.countBy(Member, { merchantId: a.merchant.id }));
    await csv('members', a.tokens.manager).expect(403);
    await csv('customers').expect(400);
  });

  it("exports a segment's members across keyset pages, owners only, and another merchant's segment is not found", async () => {
    // More members than one page (EXPORT_PAGE), so the walk over the segment's list crosses a page boundary.
    // Written in bulk: a thousand enrolments or imported rows one by one would take most of the test's time.
    const size = EXPORT_PAGE + 5;
    const now = new Date();
    const people = Array.from({ length: size + 20 }, (_, i) => ({
      id: newId(), merchantId: a.merchant.id, memberNumber: `SEG${String(i).padStart(6, '0')}`, firstName: i === 3 ? '=cmd|calc' : `Shopper${i}`, lastName: null,
      externalId: `SEG-${i}`, phone: null, email: null, birthDate: null, locale: null, status: 'active' as const, statusReason: null, tierOverride: null,
      mergedIntoId: null, enrolledAt: now, enrolledStoreId: null, enrolledBy: 'import' as const, deletionRequestedAt: null, createdAt: now, updatedAt: now,
    }));
    for (let i = 0; i < people.length; i += 200) await rt().db.manager.insert(Member, people.slice(i, i + 200));
    const segmentId = (await request(server).post('/v1/segments').set(auth(a.tokens.owner)).send({ name: 'Regulars' }).expect(201)).body.id as string;
    await rt().services.segments.replaceMembers(a.merchant.id, segmentId, new Set(people.slice(0, size).map((p) => p.id)));

    const res = await csv(`segment-members`, a.tokens.owner, { segmentId }).expect(200).expect('content-type', /text\/csv/);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`attachment; filename="segment-${segmentId}-\\d{4}-\\d{2}-\\d{2}\\.csv"`));
    const rows = records(res.body as string);
    expect(rows.map((r) => r.external_id).sort()).toEqual(Array.from({ length: size }, (_, i) => `SEG-${i}`).sort());
    expect(new Set(rows.map((r) => r.id)).size).toBe(size);
    expect(rows.find((r) => r.external_id === 'SEG-3')?.first_name).toBe("'=cmd|calc");
    expect(Object.keys(rows[0])).toEqual(Object.keys(records((await csv('members').expect(200)).body as string)[0]));

    const empty = (await request(server).post('/v1/segments').set(auth(a.tokens.owner)).send({ name: 'Nobody yet' }).expect(201)).body.id as string;
    expect(records((await csv('segment-members', a.tokens.owner, { segmentId: empty }).expect(200)).body as string)).toEqual([]);

    await csv('segment-members', a.tokens.manager, { segmentId }).expect(403);
    const elsewhere = await csv('segment-members', b.tokens.owner, { segmentId }).expect(404).expect('content-type', /json/);
    expect(elsewhere.headers['content-disposition']).toBeUndefined();
    await csv('segment-members').expect(400);
    await csv('segment-members', a.tokens.owner, { segmentId: 'not-a-uuid' }).expect(400);
  });

  it('exports purchases in decimals of the currency, a ledger whose sums are the balances, and feedback', async () => {
    const m = await enrol(server, a, 'Ledger');
    const sale = await commit(server, a, { memberId: m.memberId, lines: [line('CHEESE', 'dairy', 1000, 1234)] }).expect(201);
    const token = (sale.body.feedbackUrl as string).split('/f/')[1];
    await request(server).post(`/v1/receipt-feedback/${token}`).send({ score: 2, comment: 'Cheese, again, was dry' }).expect(201);

    const purchases = records((await csv('purchases').expect(200)).body as string);
    expect(purchases.find((p) => p.id === sale.body.purchase.id)).toMatchObject({ currency: 'EUR', total: '12.34', member_id: m.memberId, status: 'completed' });

    const ledger = records((await csv('points-ledger').expect(200)).body as string);
    const sumOf = (memberId: string) => ledger.filter((e) => e.member_id === memberId).reduce((s, e) => s + Number(e.points), 0);
    const balance = await rt().services.points.summary(a.merchant.id, m.memberId);
    expect(sumOf(m.memberId)).toBe(balance.available + balance.pending);
    expect(sumOf(m.memberId)).toBeGreaterThan(0);
    expect(ledger).toHaveLength(await rt().db.manager.countBy(PointEntry, { merchantId: a.merchant.id }));

    const feedback = records((await csv('feedback').expect(200)).body as string);
    expect(feedback.find((f) => f.purchase_id === sale.body.purchase.id)).toMatchObject({ score: '2', band: 'detractor', comment: 'Cheese, again, was dry', member_id: m.memberId });
  });

  it("includes the member's feedback in their data download, and erasure removes the person but keeps the ledger sums", async () => {
    const m = await enrol(server, a, 'Erika');
    await request(server).patch(`/v1/members/${m.memberId}`).set(auth(a.tokens.owner)).send({ lastName: 'Mustermann' }).expect(200);
    const sale = await commit(server, a, { memberId: m.memberId, lines: [line('WINE', 'drinks', 1000, 5000)] }).expect(201);
    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: m.memberId });
    await request(server).post('/v1/me/feedback').set(auth(member)).send({ purchaseId: sale.body.purchase.id, score: 1, comment: 'Corked, Erika M.' }).expect(201);

    const download = await request(server).get('/v1/me/export').set(auth(member)).expect(200);
    expect(download.body.feedback).toEqual([expect.objectContaining({ purchaseId: sale.body.purchase.id, score: 1, comment: 'Corked, Erika M.' })]);
    expect(download.body.purchases).toHaveLength(1);
    const ledgerBefore = await rt().db.manager.find(PointEntry, { where: { merchantId: a.merchant.id, memberId: m.memberId } });
    const balanceBefore = await rt().services.points.summary(a.merchant.id, m.memberId);
    await request(server).post('/v1/me/deletion-request').set(auth(member)).expect(202);

    // Only the owner erases, only their own merchant's member.
    await request(server).post(`/v1/members/${m.memberId}/erase`).set(auth(a.tokens.manager)).expect(403);
    await request(server).post(`/v1/members/${m.memberId}/erase`).set(auth(b.tokens.owner)).expect(404);
    const erased = await request(server).post(`/v1/members/${m.memberId}/erase`).set(auth(a.tokens.owner)).expect(200);
    expect(erased.body.member).toMatchObject({ firstName: 'Erased', lastName: null, email: null, phone: null, status: 'closed' });

    const row = await rt().db.manager.findOneByOrFail(Member, { id: m.memberId });
    expect(row).toMatchObject({ firstName: 'Erased', lastName: null, email: null, phone: null });
    const changes = await rt().db.manager.find(MemberChange, { where: { memberId: m.memberId } });
    expect(changes.some((c) => c.oldValue === 'Mustermann' || c.newValue === 'Mustermann')).toBe(false);
    const answer = await rt().db.manager.findOneByOrFail(FeedbackAnswer, { purchaseId: sale.body.purchase.id });
    expect(answer).toMatchObject({ memberId: null, comment: null, contact: null, score: 1, band: 'detractor' });
    expect(answer.anonymisedAt).not.toBeNull();
    const messages = await rt().db.manager.find(Notification, { where: { memberId: m.memberId } });
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((n) => n.destination === '' && n.body === null)).toBe(true);

    // The ledger is untouched and still adds up to the balance; the reconciliation finds nothing.
    expect(await rt().db.manager.find(PointEntry, { where: { merchantId: a.merchant.id, memberId: m.memberId } })).toEqual(ledgerBefore);
    expect(await rt().services.points.summary(a.merchant.id, m.memberId)).toEqual(balanceBefore);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
    const csvLedger = records((await csv('points-ledger').expect(200)).body as string).filter((e) => e.member_id === m.memberId);
    expect(csvLedger.reduce((s, e) => s + Number(e.points), 0)).toBe(ledgerBefore.reduce((s, e) => s + e.points, 0));
    // The scores still count in the figures, unlinked from the person.
    const words = await request(server).get('/v1/feedback/reports/words').set(auth(a.tokens.owner)).expect(200);
    expect(JSON.stringify(words.body)).not.toContain('corked');
  });
});
