import type { Server } from 'node:http';
import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { newId } from '../../../src/db/ids';
import type { Principal } from '../../../src/http/principal';
import { StaffUser } from '../../../src/merchants/staff-user.entity';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { claimCodeIn, closeServer, commit, enrol, line, listen, uniqueKey } from '../pos/till-helpers';

const DAY = 24 * 3600_000;

/** What other modules rely on (spend for tiers, merge) and the time limits on voids and claims. */
describeEachDb('purchases for other modules', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let terminal: Principal;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    terminal = { kind: 'terminal', merchantId: a.merchant.id, terminalId: a.terminal.id, storeId: a.store.id };
  });
  afterAll(() => closeServer(server));

  it('reports spend in a window net of returns, without voided sales', async () => {
    const m = await enrol(server, a, 'Sam');
    const from = new Date(Date.now() - DAY);
    const kept = await commit(server, a, { memberId: m.memberId, lines: [line('A', 'dry', 1000, 3000)] }).expect(201);
    const voided = await commit(server, a, { memberId: m.memberId, lines: [line('B', 'dry', 1000, 9999)] }).expect(201);
    await request(server).post(`/v1/pos/purchases/${kept.body.purchase.id}/returns`).set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 1000 }).expect(201);
    await request(server).post(`/v1/pos/purchases/${voided.body.purchase.id}/void`).set('Authorization', `Bearer ${a.tokens.terminal}`).set('Idempotency-Key', uniqueKey()).send({}).expect(200);
    expect(await rt().services.purchases.spendInWindow(a.merchant.id, m.memberId, from, new Date(Date.now() + DAY))).toBe(2000);
    expect(await rt().services.purchases.spendInWindow(a.merchant.id, m.memberId, new Date(Date.now() + DAY), new Date(Date.now() + 2 * DAY))).toBe(0);
  });

  it('moves purchases to the surviving member on a merge', async () => {
    const from = await enrol(server, a, 'Old');
    const into = await enrol(server, a, 'New');
    await commit(server, a, { memberId: from.memberId, lines: [line('A', 'dry', 1000, 500)] }).expect(201);
    await rt().db.transaction((tx) => rt().services.purchases.reassignMember(tx, a.merchant.id, from.memberId, into.memberId));
    expect(await rt().db.manager.countBy(Purchase, { merchantId: a.merchant.id, memberId: from.memberId })).toBe(0);
    expect(await rt().db.manager.countBy(Purchase, { merchantId: a.merchant.id, memberId: into.memberId })).toBe(1);
  });

  it('lets staff of the store return goods (audited), not staff of other stores or members', async () => {
    const m = await enrol(server, a, 'Ray');
    const sale = await commit(server, a, { memberId: m.memberId, lines: [line('A', 'dry', 2000, 500)] }).expect(201);
    const path = `/v1/pos/purchases/${sale.body.purchase.id}/returns`;
    // A cashier limited to another store (the token is checked against the live staff row).
    const otherStore = newId();
    const limited = await rt().db.manager.save(StaffUser, { ...a.cashier, id: newId(), email: `${uniqueKey('limited')}@example.test`, storeIds: [otherStore] });
    const elsewhere = tokenFor(rt(), { kind: 'staff', merchantId: a.merchant.id, userId: limited.id, role: 'cashier', storeIds: [otherStore] });
    await request(server).post(path).set('Authorization', `Bearer ${elsewhere}`).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 100 }).expect(403);
    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: m.memberId });
    await request(server).post(path).set('Authorization', `Bearer ${member}`).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 100 }).expect(403);
    const res = await request(server).post(path).set('Authorization', `Bearer ${a.tokens.cashier}`).set('Idempotency-Key', uniqueKey()).send({ lines: [{ lineNo: 1, quantity: 1000 }], reason: 'broken' }).expect(201);
    expect(res.body).toMatchObject({ refundMinor: 500, pointsReversed: 5, balance: { available: 5 } });
    expect(await rt().db.manager.countBy(AuditEntry, { merchantId: a.merchant.id, action: 'purchase.return', entityId: sale.body.purchase.id })).toBe(1);
  });

  it('lets a terminal void within 24 hours only', async () => {
    const sale = await commit(server, a, { lines: [line('A', null, 1000, 500)] }).expect(201);
    const late = new Date(Date.now() + 25 * 3600_000);
    await expect(rt().services.purchases.voidPurchase(terminal, sale.body.purchase.id, {}, uniqueKey(), late)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const manager: Principal = { kind: 'staff', merchantId: a.merchant.id, userId: a.manager.id, role: 'manager', storeIds: null };
    const done = await rt().services.purchases.voidPurchase(manager, sale.body.purchase.id, { reason: 'late void' }, uniqueKey(), late);
    expect(done.body.status).toBe('voided');
    expect(await rt().db.manager.countBy(AuditEntry, { merchantId: a.merchant.id, action: 'purchase.void', entityId: sale.body.purchase.id })).toBe(1);
  });

  it('credits a forgotten receipt at the service desk within the claim window, audited', async () => {
    const m = await enrol(server, a, 'Kim');
    const receiptNumber = uniqueKey('ANON');
    const sale = await commit(server, a, { receiptNumber, lines: [line('A', 'dry', 1000, 1234)] }).expect(201);
    const claim = { storeCode: a.store.code.toUpperCase(), receiptNumber, totalMinor: 1234, claimCode: claimCodeIn(sale.body.receiptText) };
    const staff: Principal = { kind: 'staff', merchantId: a.merchant.id, userId: a.cashier.id, role: 'cashier', storeIds: null };
    // The fixture's store code is random lower-case hex; the stores API keeps codes upper-case.
    await rt().db.manager.update('stores', { id: a.store.id }, { code: claim.storeCode });
    await expect(rt().services.purchases.claimReceipt(staff, m.memberId, claim, new Date(Date.now() + 15 * DAY))).rejects.toMatchObject({ code: 'CLAIM_WINDOW_PASSED' });
    const res = await request(server).post(`/v1/members/${m.memberId}/receipt-claims`).set('Authorization', `Bearer ${a.tokens.cashier}`).send(claim).expect(201);
    expect(res.body.purchase).toMatchObject({ memberId: m.memberId, pointsEarned: 12 });
    expect(await rt().db.manager.countBy(AuditEntry, { merchantId: a.merchant.id, action: 'purchase.claim' })).toBe(1);
    expect(await rt().services.pointsReconciliation.reconcile(a.merchant.id)).toEqual([]);
  });
});
