import type { Server } from 'node:http';
import request from 'supertest';
import { FeedbackAnswer } from '../../../src/feedback/feedback-answer.entity';
import { FeedbackCase } from '../../../src/feedback/feedback-case.entity';
import { Member } from '../../../src/members/member.entity';
import { Notification } from '../../../src/notifications/notification.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The token of a receipt's feedback link, as printed. */
function tokenIn(receipt: { feedbackUrl?: string; receiptText: string[] }): string {
  const url = receipt.feedbackUrl ?? '';
  expect(receipt.receiptText).toContain(`How did we do? ${url}`);
  return /\/f\/([A-Za-z0-9_-]+)$/.exec(url)?.[1] ?? 'missing';
}

describeEachDb('feedback: the receipt question, one answer per purchase, thank-you and cases', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt(), { name: 'Corner Shop' });
    b = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  async function anonymousSale(f = a) {
    const sale = await commit(server, f, { lines: [line('BREAD', 'bakery', 1000, 300)] }).expect(201);
    return { id: sale.body.purchase.id as string, token: tokenIn(sale.body) };
  }

  const answer = (token: string, body: Record<string, unknown>) => request(server).post(`/v1/receipt-feedback/${token}`).send(body);
  const notificationsFor = (destination: string) => rt().db.manager.find(Notification, { where: { destination }, order: { createdAt: 'ASC' } });

  it('asks on the receipt of a sale without a card, takes one answer, thanks in the page language and opens a case for a detractor', async () => {
    const sale = await anonymousSale();
    const question = await request(server).get(`/v1/receipt-feedback/${sale.token}`).expect(200);
    expect(question.body).toMatchObject({ shop: { name: 'Corner Shop' }, scale: 'nps', range: { min: 0, max: 10 }, open: true, answer: null, case: null });

    const res = await answer(sale.token, { score: 3, comment: 'The queue was long', email: 'Shopper@Example.test', language: 'ru' }).expect(201);
    expect(res.body).toMatchObject({ open: false, answer: { score: 3, comment: 'The queue was long' }, case: { status: 'open', resolution: null } });

    const [thanks] = await notificationsFor('shopper@example.test');
    expect(thanks).toMatchObject({ channel: 'email', template: 'feedback-thanks', subject: 'Corner Shop: спасибо за отзыв', memberId: null });
    expect(thanks.body).toContain('Сотрудник магазина разберётся');

    const again = await answer(sale.token, { score: 10 }).expect(409);
    expect(again.body.error.code).toBe('ALREADY_ANSWERED');
    expect(await rt().db.manager.countBy(FeedbackAnswer, { purchaseId: sale.id })).toBe(1);
  });

  it('keeps one answer when the same receipt is answered many times at once', async () => {
    const sale = await anonymousSale();
    const statuses = (await Promise.all(Array.from({ length: 6 }, (_, i) => answer(sale.token, { score: i, email: `race-${sale.id}@example.test` })))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    expect(await rt().db.manager.countBy(FeedbackAnswer, { purchaseId: sale.id })).toBe(1);
    expect(await notificationsFor(`race-${sale.id}@example.test`)).toHaveLength(1);
  });

  it('refuses a made-up or altered token, a score off the scale and unknown fields, writing nothing', async () => {
    const sale = await anonymousSale();
    const altered = sale.token.slice(0, -2) + (sale.token.endsWith('AA') ? 'BA' : 'AA');
    await request(server).get(`/v1/receipt-feedback/${altered}`).expect(404);
    await request(server).get('/v1/receipt-feedback/not-a-token').expect(404);
    await answer(altered, { score: 5 }).expect(404);
    await request(server).put('/v1/feedback/settings').set(auth(a.tokens.owner)).send({ scale: 'csat' }).expect(200);
    try {
      const off = await answer(sale.token, { score: 9 }).expect(400);
      expect(off.body.error.details[0].path).toBe('body.score');
      await answer(sale.token, { score: 4, extra: true }).expect(400);
      await answer(sale.token, { score: 4, comment: 'x'.repeat(2001) }).expect(400);
      expect(await rt().db.manager.countBy(FeedbackAnswer, { purchaseId: sale.id })).toBe(0);
      // CSAT 4 is satisfied: no case.
      const ok = await answer(sale.token, { score: 4 }).expect(201);
      expect(ok.body).toMatchObject({ scale: 'csat', range: { min: 1, max: 5 }, case: null });
    } finally {
      await request(server).put('/v1/feedback/settings').set(auth(a.tokens.owner)).send({ scale: 'nps' }).expect(200);
    }
  });

  it('limits the answers one receipt can be sent', async () => {
    const sale = await anonymousSale();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await answer(sale.token, { score: 8 })).status);
    expect(statuses).toEqual([201, ...Array.from({ length: 9 }, () => 409), 429]);
  });

  it('does not take an answer for a voided sale', async () => {
    const sale = await commit(server, a, { lines: [line('MILK', 'dairy', 1000, 200)] }).expect(201);
    await request(server).post(`/v1/pos/purchases/${sale.body.purchase.id}/void`).set(auth(a.tokens.terminal)).set('Idempotency-Key', `void-${sale.body.purchase.id}`).send({}).expect(200);
    const token = tokenIn(sale.body);
    expect((await request(server).get(`/v1/receipt-feedback/${token}`).expect(200)).body).toMatchObject({ open: false, closedReason: 'voided' });
    await answer(token, { score: 5 }).expect(422);
  });

  it("prompts a member in the portal and thanks them in the member's language", async () => {
    const m = await enrol(server, a, 'Somchai');
    await rt().db.manager.update(Member, { id: m.memberId }, { locale: 'th-TH' });
    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: m.memberId });
    expect((await request(server).get('/v1/me/feedback/pending').set(auth(member)).expect(200)).body.pending).toBeNull();
    const sale = await commit(server, a, { memberId: m.memberId, lines: [line('RICE', 'dry', 1000, 900)] }).expect(201);
    const pending = (await request(server).get('/v1/me/feedback/pending').set(auth(member)).expect(200)).body.pending;
    expect(pending).toMatchObject({ token: tokenIn(sale.body), open: true, purchase: { receiptNumber: sale.body.purchase.receiptNumber } });

    // Another member's purchase is not mine to answer.
    const other = await enrol(server, a, 'Other');
    const otherSale = await commit(server, a, { memberId: other.memberId, lines: [line('RICE', 'dry', 1000, 900)] }).expect(201);
    await request(server).post('/v1/me/feedback').set(auth(member)).send({ purchaseId: otherSale.body.purchase.id, score: 9 }).expect(404);

    await request(server).post('/v1/me/feedback').set(auth(member)).send({ purchaseId: sale.body.purchase.id, score: 10, comment: 'พนักงานใจดีมาก' }).expect(201);
    const stored = await rt().db.manager.findOneByOrFail(FeedbackAnswer, { purchaseId: sale.body.purchase.id });
    expect(stored).toMatchObject({ memberId: m.memberId, band: 'promoter', language: 'th', via: 'portal', contactChannel: 'email' });
    const [thanks] = await notificationsFor(stored.contact as string);
    expect(thanks.subject).toBe('Corner Shop: ขอบคุณสำหรับความคิดเห็นของคุณ');
    expect((await request(server).get('/v1/me/feedback/pending').set(auth(member)).expect(200)).body.pending).toBeNull();
  });

  it('lets the shop follow a case to its resolution, which reaches the shopper by email and on the link page', async () => {
    const sale = await anonymousSale();
    await answer(sale.token, { score: 7, complaint: true, comment: 'Milk was sour', email: `case-${sale.id}@example.test`, language: 'zh' }).expect(201);
    const kase = await rt().db.manager.findOneByOrFail(FeedbackCase, { answerId: (await rt().db.manager.findOneByOrFail(FeedbackAnswer, { purchaseId: sale.id })).id });
    expect(kase).toMatchObject({ status: 'open', reason: 'complaint' });

    // Another merchant's staff cannot see or touch it; a cashier has no access.
    await request(server).get(`/v1/feedback/cases/${kase.id}`).set(auth(b.tokens.owner)).expect(404);
    await request(server).post(`/v1/feedback/cases/${kase.id}/resolve`).set(auth(b.tokens.owner)).send({ message: 'x' }).expect(404);
    await request(server).get(`/v1/feedback/cases/${kase.id}`).set(auth(a.tokens.cashier)).expect(403);

    const list = await request(server).get('/v1/feedback/cases?status=open').set(auth(a.tokens.manager)).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(kase.id);
    await request(server).patch(`/v1/feedback/cases/${kase.id}`).set(auth(a.tokens.manager)).send({ assigneeId: b.manager.id }).expect(404);
    await request(server).patch(`/v1/feedback/cases/${kase.id}`).set(auth(a.tokens.manager)).send({}).expect(400);
    const assigned = await request(server).patch(`/v1/feedback/cases/${kase.id}`).set(auth(a.tokens.manager)).send({ assigneeId: a.manager.id, status: 'in_progress' }).expect(200);
    expect(assigned.body).toMatchObject({ status: 'in_progress', assigneeId: a.manager.id, answer: { comment: 'Milk was sour', contact: `case-${sale.id}@example.test` } });
    const noted = await request(server).post(`/v1/feedback/cases/${kase.id}/notes`).set(auth(a.tokens.manager)).send({ text: 'Called the dairy supplier' }).expect(201);
    expect(noted.body.notes).toEqual([expect.objectContaining({ text: 'Called the dairy supplier', authorId: a.manager.id })]);

    const resolved = await request(server).post(`/v1/feedback/cases/${kase.id}/resolve`).set(auth(a.tokens.owner)).send({ message: 'We changed supplier; a refund is waiting at the desk.' }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolutionSentVia: 'email' });
    const sent = await notificationsFor(`case-${sale.id}@example.test`);
    expect(sent.map((n) => n.template)).toEqual(['feedback-thanks', 'feedback-resolution']);
    expect(sent[1].subject).toBe('Corner Shop：对您反馈的答复');
    expect(sent[1].body).toContain('We changed supplier; a refund is waiting at the desk.');
    const page = await request(server).get(`/v1/receipt-feedback/${sale.token}`).expect(200);
    expect(page.body.case).toMatchObject({ status: 'resolved', resolution: 'We changed supplier; a refund is waiting at the desk.' });

    const twice = await request(server).post(`/v1/feedback/cases/${kase.id}/resolve`).set(auth(a.tokens.owner)).send({ message: 'again' }).expect(409);
    expect(twice.body.error.code).toBe('CASE_RESOLVED');
    await request(server).patch(`/v1/feedback/cases/${kase.id}`).set(auth(a.tokens.manager)).send({ status: 'open' }).expect(409);
  });

  it('counts overdue cases for the dashboard and filters them', async () => {
    const sale = await anonymousSale();
    await answer(sale.token, { score: 0 }).expect(201);
    const later = new Date(Date.now() + 4 * 24 * 3600_000);
    const owner = { kind: 'staff' as const, merchantId: a.merchant.id, userId: a.owner.id, role: 'owner' as const, storeIds: null };
    const counts = await rt().services.feedback.caseCounts(owner, later);
    expect(counts.overdue).toBeGreaterThanOrEqual(1);
    expect(counts.open).toBeGreaterThanOrEqual(counts.overdue);
    const overdue = await rt().services.feedback.cases(owner, { overdue: true, limit: 50, offset: 0 }, later);
    expect(overdue.items.every((c) => c.overdue)).toBe(true);
    expect((await request(server).get('/v1/feedback/cases/counts').set(auth(a.tokens.owner)).expect(200)).body).toEqual({ open: expect.any(Number), overdue: expect.any(Number) });
    expect((await request(server).get('/v1/feedback/cases/counts').set(auth(b.tokens.owner)).expect(200)).body).toEqual({ open: 0, overdue: 0 });
  });
});
