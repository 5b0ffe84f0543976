import request from 'supertest';
import { newId } from '../../../src/db/ids';
import { Store } from '../../../src/merchants/store.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb, type TestRuntime } from '../../support/test-runtime';

async function count(rt: TestRuntime, table: string, merchantId?: string): Promise<number> {
  const [row] = merchantId
    ? await rt.db.manager.query(`SELECT COUNT(*) AS n FROM ${table} WHERE merchant_id = ?`, [merchantId])
    : await rt.db.manager.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);

/** A second store of the fixture's merchant, written directly. */
async function addStore(rt: TestRuntime, fx: MerchantFixture, code: string): Promise<Store> {
  const now = new Date();
  const store = rt.db.manager.create(Store, { id: newId(), merchantId: fx.merchant.id, code, name: `Store ${code}`, address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
  return rt.db.manager.save(store);
}

describeEachDb('merchants: merchant, stores, staff, terminals, audit', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'EUR', timeZone: 'Europe/Berlin', locale: 'de-DE' });
    b = await createMerchantFixture(rt());
  });

  describe('merchant', () => {
    it('shows every staff role its own merchant, and not to a till', async () => {
      for (const token of [a.tokens.owner, a.tokens.manager, a.tokens.cashier]) {
        const res = await request(rt().app).get('/v1/merchant').set(bearer(token)).expect(200);
        expect(res.body).toMatchObject({ id: a.merchant.id, currency: 'EUR', timeZone: 'Europe/Berlin', locale: 'de-DE' });
      }
      await request(rt().app).get('/v1/merchant').set(bearer(a.tokens.terminal)).expect(403);
    });

    it('lets the owner change it, audited, and only their own', async () => {
      const res = await request(rt().app).patch('/v1/merchant').set(bearer(a.tokens.owner)).send({ name: 'Renamed', timeZone: 'Europe/Vienna' }).expect(200);
      expect(res.body).toMatchObject({ name: 'Renamed', timeZone: 'Europe/Vienna', currency: 'EUR' });
      const merchantB = await rt().services.merchants.getMerchant(b.merchant.id);
      expect(merchantB.name).toBe(b.merchant.name);
      const auditLog = await request(rt().app).get('/v1/audit').set(bearer(a.tokens.owner)).query({ entity: 'merchant' }).expect(200);
      expect(auditLog.body.items[0]).toMatchObject({ action: 'merchant.update', actorKind: 'staff', actorId: a.owner.id, data: { name: { from: a.merchant.name, to: 'Renamed' } } });
    });

    it('refuses managers and cashiers (403)', async () => {
      await request(rt().app).patch('/v1/merchant').set(bearer(a.tokens.manager)).send({ name: 'Nope' }).expect(403);
      await request(rt().app).patch('/v1/merchant').set(bearer(a.tokens.cashier)).send({ name: 'Nope' }).expect(403);
    });

    it('refuses bad input with details and changes nothing', async () => {
      const before = await rt().services.merchants.getMerchant(a.merchant.id);
      const res = await request(rt().app).patch('/v1/merchant').set(bearer(a.tokens.owner)).send({ currency: 'EURO', timeZone: 'Nowhere/City', plan: 'gold', name: 7 }).expect(400);
      expect(paths(res).sort()).toEqual(['body', 'body.currency', 'body.name', 'body.timeZone']);
      expect(await rt().services.merchants.getMerchant(a.merchant.id)).toEqual(before);
    });
  });

  describe('stores', () => {
    it('creates a store with an upper-cased code, audited; a duplicate code is a 409', async () => {
      const res = await request(rt().app).post('/v1/stores').set(bearer(a.tokens.owner)).send({ code: 'north-1', name: 'North', address: '1 North Rd', timeZone: 'Europe/Berlin' }).expect(201);
      expect(res.body).toMatchObject({ code: 'NORTH-1', name: 'North', address: '1 North Rd', timeZone: 'Europe/Berlin', active: true });
      const dup = await request(rt().app).post('/v1/stores').set(bearer(a.tokens.manager)).send({ code: 'NORTH-1', name: 'Again' }).expect(409);
      expect(dup.body.error.code).toBe('ALREADY_EXISTS');
      // Codes are per merchant: B may use the same one.
      await request(rt().app).post('/v1/stores').set(bearer(b.tokens.owner)).send({ code: 'north-1', name: 'B North' }).expect(201);
      const entries = await rt().services.audit.list(a.merchant.id, { limit: 10, offset: 0, entity: 'store', entityId: res.body.id });
      expect(entries.items.map((e) => e.action)).toEqual(['store.create']);
    });

    it('refuses bad input with details and writes nothing', async () => {
      const before = await count(rt(), 'stores');
      for (const body of [{ code: 'has space', name: 'X' }, { code: 'OK', name: '' }, { code: 'OK', name: 'X', timeZone: 'Mars/Base' }, { code: 'OK', name: 'X', merchantId: b.merchant.id }, { code: 12, name: 'X' }]) {
        const res = await request(rt().app).post('/v1/stores').set(bearer(a.tokens.owner)).send(body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
      expect(await count(rt(), 'stores')).toBe(before);
    });

    it('lets cashiers read but not create or change stores (403)', async () => {
      const list = await request(rt().app).get('/v1/stores').set(bearer(a.tokens.cashier)).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(a.store.id);
      await request(rt().app).get(`/v1/stores/${a.store.id}`).set(bearer(a.tokens.cashier)).expect(200);
      await request(rt().app).post('/v1/stores').set(bearer(a.tokens.cashier)).send({ code: 'C1', name: 'Cashier store' }).expect(403);
      await request(rt().app).patch(`/v1/stores/${a.store.id}`).set(bearer(a.tokens.cashier)).send({ name: 'Mine now' }).expect(403);
    });

    it('pages and searches by name or code', async () => {
      const all = await request(rt().app).get('/v1/stores').set(bearer(a.tokens.owner)).expect(200);
      expect(all.body.total).toBe(2);
      const first = await request(rt().app).get('/v1/stores').query({ limit: 1, offset: 0 }).set(bearer(a.tokens.owner)).expect(200);
      expect(first.body).toMatchObject({ total: 2, items: [expect.any(Object)] });
      const found = await request(rt().app).get('/v1/stores').query({ q: 'nort' }).set(bearer(a.tokens.owner)).expect(200);
      expect(found.body.items.map((s: { code: string }) => s.code)).toEqual(['NORTH-1']);
      const literal = await request(rt().app).get('/v1/stores').query({ q: '%' }).set(bearer(a.tokens.owner)).expect(200);
      expect(literal.body.total).toBe(0);
      const bad = await request(rt().app).get('/v1/stores').query({ limit: 'lots', offset: -1 }).set(bearer(a.tokens.owner)).expect(400);
      expect(paths(bad).sort()).toEqual(['query.limit', 'query.offset']);
    });

    it('lets a manager change a store, but merchant A never sees or changes B’s store (404)', async () => {
      const res = await request(rt().app).patch(`/v1/stores/${a.store.id}`).set(bearer(a.tokens.manager)).send({ name: 'Main street (new)', active: true, address: null }).expect(200);
      expect(res.body.name).toBe('Main street (new)');
      await request(rt().app).get(`/v1/stores/${b.store.id}`).set(bearer(a.tokens.owner)).expect(404);
      await request(rt().app).patch(`/v1/stores/${b.store.id}`).set(bearer(a.tokens.owner)).send({ name: 'Taken over' }).expect(404);
      expect((await rt().services.merchants.getStore(b.merchant.id, b.store.id)).name).toBe(b.store.name);
      await expect(rt().services.merchants.getStore(a.merchant.id, b.store.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const list = await request(rt().app).get('/v1/stores').set(bearer(a.tokens.owner)).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(b.store.id);
    });

    it('limits a store-limited manager to their stores (403 elsewhere, no new stores)', async () => {
      const other = await addStore(rt(), a, 'OTHER');
      const limited = tokenFor(rt(), { kind: 'staff', merchantId: a.merchant.id, userId: a.manager.id, role: 'manager', storeIds: [a.store.id] });
      await rt().db.manager.query('UPDATE staff_users SET store_ids = ? WHERE id = ?', [JSON.stringify([a.store.id]), a.manager.id]);
      try {
        const list = await request(rt().app).get('/v1/stores').set(bearer(limited)).expect(200);
        expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([a.store.id]);
        await request(rt().app).patch(`/v1/stores/${other.id}`).set(bearer(limited)).send({ name: 'No' }).expect(403);
        await request(rt().app).post('/v1/stores').set(bearer(limited)).send({ code: 'NEW', name: 'New' }).expect(403);
      } finally {
        await rt().db.manager.query('UPDATE staff_users SET store_ids = NULL WHERE id = ?', [a.manager.id]);
      }
    });
  });

  describe('staff', () => {
    const newStaff = (role: string, extra: object = {}) => ({ email: `${role}-${newId().slice(-8)}@Example.test`, name: `New ${role}`, password: 'a good long password', role, ...extra });

    it('lets the owner create any role; email is stored lower-case and no hash is returned', async () => {
      const res = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('manager', { locale: 'th-th' })).expect(201);
      expect(res.body.email).toBe(res.body.email.toLowerCase());
      expect(res.body.locale).toBe('th-TH');
      expect(res.body).not.toHaveProperty('passwordHash');
      const signIn = await request(rt().app).post('/v1/auth/sign-in').send({ email: res.body.email, password: 'a good long password' }).expect(200);
      expect(signIn.body.user.role).toBe('manager');
      const list = await request(rt().app).get('/v1/staff').set(bearer(a.tokens.manager)).expect(200);
      expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/i);
      expect(list.body.items.every((u: { id: string }) => u.id !== b.owner.id)).toBe(true);
    });

    it('lets a manager create and edit cashiers only (403 for owners and managers)', async () => {
      const cashier = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('cashier', { storeIds: [a.store.id] })).expect(201);
      await request(rt().app).patch(`/v1/staff/${cashier.body.id}`).set(bearer(a.tokens.manager)).send({ name: 'Renamed cashier' }).expect(200);
      const before = await count(rt(), 'staff_users');
      await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('owner')).expect(403);
      await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('manager')).expect(403);
      await request(rt().app).patch(`/v1/staff/${cashier.body.id}`).set(bearer(a.tokens.manager)).send({ role: 'manager' }).expect(403);
      await request(rt().app).patch(`/v1/staff/${a.owner.id}`).set(bearer(a.tokens.manager)).send({ active: false }).expect(403);
      await request(rt().app).patch(`/v1/staff/${a.manager.id}`).set(bearer(a.tokens.manager)).send({ role: 'owner' }).expect(403);
      expect(await count(rt(), 'staff_users')).toBe(before);
    });

    it('refuses cashiers and tills (403)', async () => {
      await request(rt().app).get('/v1/staff').set(bearer(a.tokens.cashier)).expect(403);
      await request(rt().app).post('/v1/staff').set(bearer(a.tokens.cashier)).send(newStaff('cashier')).expect(403);
      await request(rt().app).patch(`/v1/staff/${a.cashier.id}`).set(bearer(a.tokens.terminal)).send({ name: 'x' }).expect(403);
    });

    it('refuses bad input with details and writes nothing', async () => {
      const before = await count(rt(), 'staff_users');
      const cases: [object, string][] = [
        [newStaff('cashier', { password: 'short' }), 'body.password'],
        [newStaff('janitor'), 'body.role'],
        [newStaff('cashier', { email: 'not-an-email' }), 'body.email'],
        [newStaff('cashier', { storeIds: 'all' }), 'body.storeIds'],
        [newStaff('cashier', { merchantId: b.merchant.id }), 'body'],
        [newStaff('owner', { storeIds: [a.store.id] }), 'body.storeIds'],
      ];
      for (const [body, path] of cases) {
        const res = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(body).expect(400);
        expect(paths(res)).toContain(path);
      }
      const patch = await request(rt().app).patch(`/v1/staff/${a.cashier.id}`).set(bearer(a.tokens.owner)).send({ active: 'no', password: 'short' }).expect(400);
      expect(paths(patch).sort()).toEqual(['body.active', 'body.password']);
      expect(await count(rt(), 'staff_users')).toBe(before);
    });

    it('refuses an email taken in the same shop with 409, and neither sees nor blocks another shop’s (issue 15 finding 8)', async () => {
      const res = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('cashier', { email: a.cashier.email.toUpperCase() })).expect(409);
      expect(res.body.error.code).toBe('ALREADY_EXISTS');
      // B's cashier's address is free in A: nothing tells A it exists elsewhere, and A cannot squat it away from B.
      await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('cashier', { email: b.cashier.email.toUpperCase() })).expect(201);
      await request(rt().app).post('/v1/staff').set(bearer(b.tokens.owner)).send(newStaff('cashier', { email: `new-${Date.now()}@example.test` })).expect(201);
    });

    it('never gives stores of another merchant (404) and never touches B’s staff (404)', async () => {
      const before = await count(rt(), 'staff_users');
      await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('cashier', { storeIds: [b.store.id] })).expect(404);
      expect(await count(rt(), 'staff_users')).toBe(before);
      await request(rt().app).patch(`/v1/staff/${a.cashier.id}`).set(bearer(a.tokens.owner)).send({ storeIds: [a.store.id, b.store.id] }).expect(404);
      await request(rt().app).patch(`/v1/staff/${b.cashier.id}`).set(bearer(a.tokens.owner)).send({ active: false }).expect(404);
      const [row] = await rt().db.manager.query('SELECT active, store_ids FROM staff_users WHERE id = ?', [b.cashier.id]);
      expect(Boolean(Number(row.active))).toBe(true);
      const [mine] = await rt().db.manager.query('SELECT store_ids FROM staff_users WHERE id = ?', [a.cashier.id]);
      expect(mine.store_ids).toBeNull();
    });

    it('lets a store-limited manager give cashiers only their own stores', async () => {
      const other = await addStore(rt(), a, 'LIMITED-OTHER');
      await rt().db.manager.query('UPDATE staff_users SET store_ids = ? WHERE id = ?', [JSON.stringify([a.store.id]), a.manager.id]);
      try {
        await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('cashier', { storeIds: [other.id] })).expect(403);
        await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('cashier')).expect(403);
        await request(rt().app).post('/v1/staff').set(bearer(a.tokens.manager)).send(newStaff('cashier', { storeIds: [a.store.id] })).expect(201);
      } finally {
        await rt().db.manager.query('UPDATE staff_users SET store_ids = NULL WHERE id = ?', [a.manager.id]);
      }
    });

    it('never demotes or disables the last active owner (409), but allows it once there is another', async () => {
      for (const body of [{ role: 'manager' }, { active: false }]) {
        const res = await request(rt().app).patch(`/v1/staff/${a.owner.id}`).set(bearer(a.tokens.owner)).send(body).expect(409);
        expect(res.body.error.code).toBe('LAST_OWNER');
      }
      const [row] = await rt().db.manager.query('SELECT role, active FROM staff_users WHERE id = ?', [a.owner.id]);
      expect(row.role).toBe('owner');
      const second = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('owner')).expect(201);
      await request(rt().app).patch(`/v1/staff/${second.body.id}`).set(bearer(a.tokens.owner)).send({ role: 'manager', storeIds: [a.store.id] }).expect(200);
      await request(rt().app).patch(`/v1/staff/${second.body.id}`).set(bearer(a.tokens.owner)).send({ role: 'owner' }).expect(200);
      const demoted = await request(rt().app).patch(`/v1/staff/${second.body.id}`).set(bearer(a.tokens.owner)).send({ active: false }).expect(200);
      expect(demoted.body).toMatchObject({ active: false, role: 'owner', storeIds: null });
    });

    it('resets a password: the old one and old sessions stop working', async () => {
      const created = await request(rt().app).post('/v1/staff').set(bearer(a.tokens.owner)).send(newStaff('cashier')).expect(201);
      const session = await request(rt().app).post('/v1/auth/sign-in').send({ email: created.body.email, password: 'a good long password' }).expect(200);
      await request(rt().app).patch(`/v1/staff/${created.body.id}`).set(bearer(a.tokens.manager)).send({ password: 'a brand new password' }).expect(200);
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: session.body.refreshToken }).expect(401);
      await request(rt().app).post('/v1/auth/sign-in').send({ email: created.body.email, password: 'a good long password' }).expect(401);
      await request(rt().app).post('/v1/auth/sign-in').send({ email: created.body.email, password: 'a brand new password' }).expect(200);
      const log = await request(rt().app).get('/v1/audit').query({ entityId: created.body.id }).set(bearer(a.tokens.owner)).expect(200);
      expect(log.body.items[0]).toMatchObject({ action: 'staff.update', data: { passwordReset: true } });
      expect(JSON.stringify(log.body)).not.toContain('a brand new password');
    });
  });

  describe('terminals', () => {
    it('creates a till for a store of the merchant, returning the key once', async () => {
      const res = await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.manager)).send({ storeId: a.store.id, name: 'Till 2' }).expect(201);
      expect(res.body).toMatchObject({ terminal: { storeId: a.store.id, name: 'Till 2', revokedAt: null }, apiKey: expect.stringMatching(/^tly_/) });
      const list = await request(rt().app).get('/v1/terminals').query({ storeId: a.store.id }).set(bearer(a.tokens.owner)).expect(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toContain(res.body.terminal.id);
      expect(list.body.items.every((t: { apiKey?: string }) => t.apiKey === undefined)).toBe(true);
    });

    it('refuses cashiers and tills (403)', async () => {
      await request(rt().app).get('/v1/terminals').set(bearer(a.tokens.cashier)).expect(403);
      await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.cashier)).send({ storeId: a.store.id, name: 'Sneaky' }).expect(403);
      await request(rt().app).post(`/v1/terminals/${a.terminal.id}/revoke`).set(bearer(a.tokens.terminal)).expect(403);
    });

    it('refuses bad input with details and writes nothing', async () => {
      const before = await count(rt(), 'terminals');
      const res = await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.owner)).send({ storeId: 5, name: '', keyPrefix: 'mine' }).expect(400);
      expect(paths(res).sort()).toEqual(['body', 'body.name', 'body.storeId']);
      expect(await count(rt(), 'terminals')).toBe(before);
    });

    it('never creates, lists or revokes another merchant’s tills (404)', async () => {
      const before = await count(rt(), 'terminals', b.merchant.id);
      await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.owner)).send({ storeId: b.store.id, name: 'Into B' }).expect(404);
      expect(await count(rt(), 'terminals', b.merchant.id)).toBe(before);
      const list = await request(rt().app).get('/v1/terminals').set(bearer(a.tokens.owner)).expect(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(b.terminal.id);
      await request(rt().app).post(`/v1/terminals/${b.terminal.id}/revoke`).set(bearer(a.tokens.owner)).expect(404);
      await request(rt().app).get('/v1/auth/me').set(bearer(b.tokens.terminal)).expect(200);
    });

    it('limits a store-limited manager to tills of their stores (403 elsewhere)', async () => {
      const other = await addStore(rt(), a, 'TILLS-OTHER');
      const otherTill = await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.owner)).send({ storeId: other.id, name: 'Other till' }).expect(201);
      await rt().db.manager.query('UPDATE staff_users SET store_ids = ? WHERE id = ?', [JSON.stringify([a.store.id]), a.manager.id]);
      try {
        await request(rt().app).post('/v1/terminals').set(bearer(a.tokens.manager)).send({ storeId: other.id, name: 'No' }).expect(403);
        await request(rt().app).post(`/v1/terminals/${otherTill.body.terminal.id}/revoke`).set(bearer(a.tokens.manager)).expect(403);
        const list = await request(rt().app).get('/v1/terminals').set(bearer(a.tokens.manager)).expect(200);
        expect(list.body.items.every((t: { storeId: string }) => t.storeId === a.store.id)).toBe(true);
      } finally {
        await rt().db.manager.query('UPDATE staff_users SET store_ids = NULL WHERE id = ?', [a.manager.id]);
      }
    });

    it('revokes a till: its next request is refused, and revoking again changes nothing', async () => {
      await request(rt().app).get('/v1/auth/me').set(bearer(a.tokens.terminal)).expect(200);
      const res = await request(rt().app).post(`/v1/terminals/${a.terminal.id}/revoke`).set(bearer(a.tokens.manager)).expect(200);
      expect(res.body.revokedAt).toEqual(expect.any(String));
      const refused = await request(rt().app).get('/v1/auth/me').set(bearer(a.tokens.terminal)).expect(401);
      expect(refused.body.error.code).toBe('INVALID_TOKEN');
      const again = await request(rt().app).post(`/v1/terminals/${a.terminal.id}/revoke`).set(bearer(a.tokens.manager)).expect(200);
      expect(again.body.revokedAt).toBe(res.body.revokedAt);
    });
  });

  describe('audit log', () => {
    it('shows owners and managers their merchant’s entries only, newest first, paged', async () => {
      const res = await request(rt().app).get('/v1/audit').query({ limit: 2 }).set(bearer(a.tokens.manager)).expect(200);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.total).toBeGreaterThan(2);
      expect(res.body.items[0].id).toBeGreaterThan(res.body.items[1].id);
      const ofB = await request(rt().app).get('/v1/audit').set(bearer(b.tokens.owner)).expect(200);
      const ids = new Set(ofB.body.items.map((e: { entityId: string }) => e.entityId));
      expect(ids.has(a.merchant.id)).toBe(false);
      expect(ofB.body.items.every((e: { actorId: string | null }) => e.actorId !== a.owner.id)).toBe(true);
    });

    it('refuses cashiers (403) and bad paging (400)', async () => {
      await request(rt().app).get('/v1/audit').set(bearer(a.tokens.cashier)).expect(403);
      const bad = await request(rt().app).get('/v1/audit').query({ limit: 0, extra: 1 }).set(bearer(a.tokens.owner)).expect(400);
      expect(paths(bad).sort()).toEqual(['query', 'query.limit']);
    });
  });
});
