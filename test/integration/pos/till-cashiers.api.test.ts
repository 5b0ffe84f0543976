import type { Server } from 'node:http';
import request from 'supertest';
import { Terminal } from '../../../src/merchants/terminal.entity';
import { DEFAULT_RULES } from '../../../src/rules/program.schemas';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey } from './till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Known cashiers at a paired till (issue 14): a till pairs with a one-time
 * code from the back office, a cashier signs in on it with a PIN, and every
 * sale, return and void records them. Also what the till needs for a line's
 * category and for finding a sale to return.
 */
describeEachDb('till pairing, cashiers and lookups', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  /** A fresh terminal of A made through the API, with its first key. */
  async function newTerminal(f: MerchantFixture = a): Promise<{ id: string; apiKey: string }> {
    const res = await request(server).post('/v1/terminals').set(bearer(f.tokens.manager)).send({ storeId: f.store.id, name: `Till ${uniqueKey()}`.slice(0, 40) }).expect(201);
    return { id: res.body.terminal.id, apiKey: res.body.apiKey };
  }

  async function pairingCode(terminalId: string, f: MerchantFixture = a): Promise<string> {
    const res = await request(server).post(`/v1/terminals/${terminalId}/pairing-code`).set(bearer(f.tokens.manager)).expect(201);
    expect(res.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(res.body.path).toBe(`/terminal?pair=${res.body.code}`);
    expect(res.body.terminal.pairingExpiresAt).toBe(res.body.expiresAt);
    return res.body.code;
  }

  async function cashierWithPin(f: MerchantFixture, pin: string, storeIds: string[] | null = null): Promise<{ id: string; name: string }> {
    const name = `Chen ${uniqueKey()}`.slice(0, 30);
    const res = await request(server)
      .post('/v1/staff')
      .set(bearer(f.tokens.owner))
      .send({ email: `${uniqueKey('c')}@example.test`, name, password: 'cashier-password-1', role: 'cashier', pin, ...(storeIds ? { storeIds } : {}) })
      .expect(201);
    expect(res.body.hasPin).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(pin);
    return { id: res.body.id, name };
  }

  describe('pairing', () => {
    it('pairs a till with the code (any case, dash optional) once; the till gets a new key and the old one stops', async () => {
      const till = await newTerminal();
      const code = await pairingCode(till.id);
      const typed = code.replace('-', '').toLowerCase();
      const paired = await request(server).post('/v1/auth/terminal-pairing').send({ code: typed }).expect(200);
      expect(paired.body).toMatchObject({ terminal: { id: till.id, storeId: a.store.id }, cashier: null, apiKey: expect.stringMatching(/^tly_/) });
      await request(server).get('/v1/auth/me').set(bearer(paired.body.accessToken)).expect(200);
      await request(server).post('/v1/auth/terminal-token').send({ apiKey: paired.body.apiKey }).expect(200);
      const old = await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey }).expect(401);
      expect(old.body.error.code).toBe('TERMINAL_KEY_INVALID');
      const again = await request(server).post('/v1/auth/terminal-pairing').send({ code }).expect(401);
      expect(again.body.error).toMatchObject({ code: 'PAIRING_CODE_INVALID', message: expect.stringMatching(/back office/) });
      const audit = await request(server).get(`/v1/audit?entityId=${till.id}`).set(bearer(a.tokens.owner)).expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['terminal.pairing-code', 'terminal.pair']));
    });

    it('refuses an expired code, a wrong one, and a code of a revoked terminal, each saying what to do', async () => {
      const till = await newTerminal();
      const code = await pairingCode(till.id);
      await rt().db.manager.update(Terminal, { id: till.id }, { pairingExpiresAt: new Date(Date.now() - 1000) });
      expect((await request(server).post('/v1/auth/terminal-pairing').send({ code }).expect(401)).body.error.code).toBe('PAIRING_CODE_INVALID');
      expect((await request(server).post('/v1/auth/terminal-pairing').send({ code: 'not a code' }).expect(401)).body.error.code).toBe('PAIRING_CODE_INVALID');
      const fresh = await pairingCode(till.id);
      await request(server).post(`/v1/terminals/${till.id}/revoke`).set(bearer(a.tokens.manager)).expect(200);
      // Revoking closes the open code too.
      expect((await request(server).post('/v1/auth/terminal-pairing').send({ code: fresh }).expect(401)).body.error.code).toBe('PAIRING_CODE_INVALID');
      const refused = await request(server).post(`/v1/terminals/${till.id}/pairing-code`).set(bearer(a.tokens.manager)).expect(401);
      expect(refused.body.error.code).toBe('TERMINAL_REVOKED');
      const revokedKey = await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey }).expect(401);
      expect(revokedKey.body.error).toMatchObject({ code: 'TERMINAL_REVOKED', message: expect.stringMatching(/revoked/) });
    });

    it("tells a key of the wrong shape from an unknown key, and never answers like a staff sign-in", async () => {
      const shape = await request(server).post('/v1/auth/terminal-token').send({ apiKey: '4006381333931' }).expect(401);
      expect(shape.body.error).toMatchObject({ code: 'TERMINAL_KEY_INVALID', message: expect.stringMatching(/not a terminal key/) });
      const unknown = await request(server).post('/v1/auth/terminal-token').send({ apiKey: `tly_0000000000_${'A'.repeat(43)}` }).expect(401);
      expect(unknown.body.error).toMatchObject({ code: 'TERMINAL_KEY_INVALID', message: expect.stringMatching(/No till has this key/) });
    });

    it('refuses bad input and another merchant’s terminal', async () => {
      await request(server).post('/v1/auth/terminal-pairing').send({ code: 'A'.repeat(33) }).expect(400);
      await request(server).post('/v1/auth/terminal-pairing').send({ code: 'ABCD-EFGH', extra: 1 }).expect(400);
      const bTill = await newTerminal(b);
      await request(server).post(`/v1/terminals/${bTill.id}/pairing-code`).set(bearer(a.tokens.owner)).expect(404);
      await request(server).post(`/v1/terminals/${bTill.id}/pairing-code`).set(bearer(a.tokens.cashier)).expect(403);
      await request(server).post(`/v1/terminals/${bTill.id}/pairing-code`).set(bearer(a.tokens.terminal)).expect(403);
    });
  });

  describe('cashiers', () => {
    it('lists the cashiers with a PIN for the till’s store, and signs one in; the sale, return and void record them', async () => {
      const chen = await cashierWithPin(a, '2468');
      const elsewhere = await cashierWithPin(a, '1357', [(await request(server).post('/v1/stores').set(bearer(a.tokens.owner)).send({ code: `X${Date.now() % 100000}`, name: 'Other' }).expect(201)).body.id]);
      const listed = await request(server).get('/v1/pos/cashiers').set(bearer(a.tokens.terminal)).expect(200);
      const names = listed.body.cashiers.map((c: { name: string }) => c.name);
      expect(names).toContain(chen.name);
      expect(names).not.toContain(elsewhere.name);
      // The fixture's own cashier has no PIN.
      expect(names).not.toContain(a.cashier.name);

      const till = await newTerminal();
      const session = (await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey }).expect(200)).body;
      const wrong = await request(server).post('/v1/auth/cashier-sign-in').set(bearer(session.accessToken)).send({ staffId: chen.id, pin: '0000' }).expect(401);
      expect(wrong.body.error.code).toBe('INVALID_PIN');
      const signedIn = await request(server).post('/v1/auth/cashier-sign-in').set(bearer(session.accessToken)).send({ staffId: chen.id, pin: '2468' }).expect(200);
      expect(signedIn.body).toMatchObject({ cashier: { id: chen.id, name: chen.name }, cashierTokenExpiresIn: 12 * 3600 });
      const me = await request(server).get('/v1/auth/me').set(bearer(signedIn.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ kind: 'terminal', cashier: { id: chen.id, name: chen.name }, store: { id: a.store.id, code: a.store.code, name: a.store.name } });

      // The till renews its token with its key and the shift token: the cashier stays.
      const renewed = await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey, cashierToken: signedIn.body.cashierToken }).expect(200);
      expect(renewed.body.cashier).toEqual({ id: chen.id, name: chen.name });
      const token = renewed.body.accessToken as string;

      const ana = await enrol(server, a, 'Ana');
      const sale = await request(server)
        .post('/v1/pos/purchases')
        .set(bearer(token))
        .set('Idempotency-Key', uniqueKey())
        .send({ memberId: ana.memberId, receiptNumber: uniqueKey('R'), occurredAt: new Date().toISOString(), lines: [line('MILK', 'dairy', 2000, 2500)] })
        .expect(201);
      expect(sale.body.purchase.cashier).toEqual({ id: chen.id, name: chen.name });
      const ret = await request(server).post(`/v1/pos/purchases/${sale.body.purchase.id}/returns`).set(bearer(token)).set('Idempotency-Key', uniqueKey()).send({ lines: [{ lineNo: 1, quantity: 1000 }] }).expect(201);
      expect(ret.body.cashier).toEqual({ id: chen.id, name: chen.name });
      const voided = await request(server).post(`/v1/pos/purchases/${sale.body.purchase.id}/void`).set(bearer(token)).set('Idempotency-Key', uniqueKey()).send({}).expect(200);
      expect(voided.body.cashier).toEqual({ id: chen.id, name: chen.name });
      const rows = await rt().db.manager.query('SELECT cashier_id, cashier_name, void_cashier_id FROM purchases WHERE id = ?', [sale.body.purchase.id]);
      expect(rows[0]).toEqual({ cashier_id: chen.id, cashier_name: chen.name, void_cashier_id: chen.id });
      const returns = await rt().db.manager.query('SELECT cashier_id FROM purchase_returns WHERE purchase_id = ?', [sale.body.purchase.id]);
      expect(returns).toEqual([{ cashier_id: chen.id }]);
      // A sale from a till without a cashier records none.
      const plain = await commit(server, a, { lines: [line('BREAD', null, 1000, 100)] }).expect(201);
      expect(plain.body.purchase.cashier).toBeNull();

      // Disabled: the cashier's token stops at once, and renewing gives a token without a cashier (the till asks for a PIN).
      await request(server).patch(`/v1/staff/${chen.id}`).set(bearer(a.tokens.owner)).send({ active: false }).expect(200);
      expect((await request(server).get('/v1/auth/me').set(bearer(token)).expect(401)).body.error.code).toBe('INVALID_TOKEN');
      const after = await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey, cashierToken: signedIn.body.cashierToken }).expect(200);
      expect(after.body.cashier).toBeNull();
    });

    it('locks a PIN after repeated wrong tries, answering a staff member without a PIN like a wrong PIN', async () => {
      const dana = await cashierWithPin(a, '8642');
      const till = await newTerminal();
      const token = (await request(server).post('/v1/auth/terminal-token').send({ apiKey: till.apiKey }).expect(200)).body.accessToken;
      const noPin = await request(server).post('/v1/auth/cashier-sign-in').set(bearer(token)).send({ staffId: a.cashier.id, pin: '1234' }).expect(401);
      expect(noPin.body.error.code).toBe('INVALID_PIN');
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) codes.push((await request(server).post('/v1/auth/cashier-sign-in').set(bearer(token)).send({ staffId: dana.id, pin: `000${i}` })).body.error.code);
      expect(codes.slice(0, 4)).toEqual(['INVALID_PIN', 'INVALID_PIN', 'INVALID_PIN', 'INVALID_PIN']);
      expect(codes).toContain('ACCOUNT_LOCKED');
      // Locked: even the right PIN waits.
      expect((await request(server).post('/v1/auth/cashier-sign-in').set(bearer(token)).send({ staffId: dana.id, pin: '8642' }).expect(429)).body.error.code).toBe('ACCOUNT_LOCKED');
    });

    it('refuses bad PINs when set, and another merchant’s staff at the till', async () => {
      for (const pin of ['12', '123456789', '12a4', '']) {
        await request(server).patch(`/v1/staff/${a.cashier.id}`).set(bearer(a.tokens.owner)).send({ pin }).expect(400);
      }
      const removed = await request(server).patch(`/v1/staff/${a.cashier.id}`).set(bearer(a.tokens.owner)).send({ pin: null }).expect(200);
      expect(removed.body.hasPin).toBe(false);
      const bCashier = await cashierWithPin(b, '1111');
      const crossed = await request(server).post('/v1/auth/cashier-sign-in').set(bearer(a.tokens.terminal)).send({ staffId: bCashier.id, pin: '1111' }).expect(401);
      expect(crossed.body.error.code).toBe('INVALID_PIN');
      await request(server).post('/v1/auth/cashier-sign-in').set(bearer(a.tokens.terminal)).send({ staffId: bCashier.id, pin: '1'.repeat(17) }).expect(400);
      await request(server).post('/v1/auth/cashier-sign-in').set(bearer(a.tokens.owner)).send({ staffId: bCashier.id, pin: '1111' }).expect(403);
      const list = await request(server).get('/v1/pos/cashiers').set(bearer(a.tokens.terminal)).expect(200);
      expect(list.body.cashiers.map((c: { id: string }) => c.id)).not.toContain(bCashier.id);
      // A's shift token does not open B's till, nor a different till of A.
      const chen = await cashierWithPin(a, '2222');
      const shift = (await request(server).post('/v1/auth/cashier-sign-in').set(bearer(a.tokens.terminal)).send({ staffId: chen.id, pin: '2222' }).expect(200)).body.cashierToken;
      const other = await newTerminal();
      expect((await request(server).post('/v1/auth/terminal-token').send({ apiKey: other.apiKey, cashierToken: shift }).expect(200)).body.cashier).toBeNull();
    });
  });

  describe('what the till looks up', () => {
    it('offers the program’s categories and those sold before, once each', async () => {
      const c = await createMerchantFixture(rt());
      const owner = { kind: 'staff' as const, merchantId: c.merchant.id, userId: c.owner.id, role: 'owner' as const, storeIds: null };
      await rt().services.rules.saveProgram(owner, {
        rules: { ...DEFAULT_RULES, earning: { ...DEFAULT_RULES.earning, excludedCategories: ['alcohol', 'tobacco'], categoryMultipliers: [{ category: 'Produce', multiplierPercent: 200 }] } },
      });
      await commit(server, c, { lines: [line('A', 'Dairy', 1000, 100), line('B', 'ALCOHOL', 1000, 100)] }).expect(201);
      const res = await request(server).get('/v1/pos/categories').set(bearer(c.tokens.terminal)).expect(200);
      expect(res.body.categories).toEqual(['alcohol', 'dairy', 'Produce', 'tobacco']);
      const other = await request(server).get('/v1/pos/categories').set(bearer(b.tokens.terminal)).expect(200);
      expect(other.body.categories).not.toContain('dairy');
    });

    it('finds a sale of the till’s store by receipt number, member or time, never another merchant’s', async () => {
      const ana = await enrol(server, a, 'Ana');
      const receiptNumber = uniqueKey('POS-77');
      const sale = (await commit(server, a, { memberId: ana.memberId, receiptNumber, lines: [line('A', null, 1000, 7500)] }).expect(201)).body.purchase;
      const byReceipt = await request(server).get(`/v1/pos/purchases?receiptNumber=${receiptNumber}`).set(bearer(a.tokens.terminal)).expect(200);
      expect(byReceipt.body.items.map((p: { id: string }) => p.id)).toEqual([sale.id]);
      const byMember = await request(server).get(`/v1/pos/purchases?memberId=${ana.memberId}`).set(bearer(a.tokens.terminal)).expect(200);
      expect(byMember.body.items.map((p: { id: string }) => p.id)).toEqual([sale.id]);
      const from = new Date(Date.now() - 60_000).toISOString();
      const byTime = await request(server).get(`/v1/pos/purchases?from=${encodeURIComponent(from)}&limit=50`).set(bearer(a.tokens.terminal)).expect(200);
      expect(byTime.body.items.map((p: { id: string }) => p.id)).toContain(sale.id);
      const cross = await request(server).get(`/v1/pos/purchases?receiptNumber=${receiptNumber}`).set(bearer(b.tokens.terminal)).expect(200);
      expect(cross.body.items).toEqual([]);
      await request(server).get('/v1/pos/purchases?receiptNumber=has%20space').set(bearer(a.tokens.terminal)).expect(400);
      await request(server).get('/v1/pos/purchases?limit=51').set(bearer(a.tokens.terminal)).expect(400);
      await request(server).get('/v1/pos/purchases').set(bearer(a.tokens.owner)).expect(403);

      // A return beyond what is left says how much, in money.
      const over = await request(server).post(`/v1/pos/purchases/${sale.id}/returns`).set(bearer(a.tokens.terminal)).set('Idempotency-Key', uniqueKey()).send({ amountMinor: 9000 }).expect(422);
      expect(over.body.error.message).toBe('Only $75.00 of this purchase is left to refund');
      expect(over.body.error.details).toMatchObject({ left: 7500 });
    });
  });
});
