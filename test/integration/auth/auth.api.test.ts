import jwt from 'jsonwebtoken';
import request from 'supertest';
import { PassThrough } from 'node:stream';
import { hashPassword } from '../../../src/auth/passwords';
import { printSetupInstructions } from '../../../src/auth/setup-instructions';
import { SetupToken } from '../../../src/auth/setup-token.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb, type TestRuntime } from '../../support/test-runtime';

async function count(rt: TestRuntime, table: string): Promise<number> {
  const [row] = await rt.db.manager.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const setupBody = (token: string) => ({
  token,
  merchant: { name: 'Corner Grocer', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th-TH' },
  owner: { email: 'Owner@Corner.example', name: 'Pim', password: 'a long enough password' },
});

describeEachDb('auth: first run, sign-in, tokens', (rt) => {
  let setupToken: string;
  let owner: { accessToken: string; refreshToken: string; user: { id: string; merchantId: string } };

  describe('first run', () => {
    it('reports that setup is needed and mints a one-time token', async () => {
      await request(rt().app).get('/v1/setup').expect(200, { setupRequired: true, invite: null });
      // What `npm start` prints on an empty database.
      const out = new PassThrough();
      await printSetupInstructions(rt().services, 'http://shop.test', out);
      const printed = String(out.read());
      setupToken = /http:\/\/shop\.test\/setup\?token=([A-Za-z0-9_-]+)/.exec(printed)![1];
      expect(printed).toContain(`curl -X POST http://shop.test/v1/setup`);
      const [minted] = await rt().db.manager.find(SetupToken);
      expect(minted.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
      // Only the hash is stored.
      const rows: { token_hash: string }[] = await rt().db.manager.query('SELECT token_hash FROM setup_tokens');
      expect(rows.map((r) => r.token_hash)).not.toContain(setupToken);
    });

    it.each([
      ['a currency that is not ISO 4217', { merchant: { currency: 'XYZ' } }, 'body.merchant.currency'],
      ['a lower-case currency', { merchant: { currency: 'thb' } }, 'body.merchant.currency'],
      ['an unknown time zone', { merchant: { timeZone: 'Mars/Olympus' } }, 'body.merchant.timeZone'],
      ['a bad locale', { merchant: { locale: 'not a locale!' } }, 'body.merchant.locale'],
      ['a short password', { owner: { password: 'short' } }, 'body.owner.password'],
      ['a bad email', { owner: { email: 'nope' } }, 'body.owner.email'],
      ['an unknown field', { merchant: { plan: 'gold' } }, 'body.merchant'],
      ['a wrong type', { merchant: { name: 42 } }, 'body.merchant.name'],
    ])('refuses %s with 400 details and writes nothing', async (_label, change, path) => {
      const base = setupBody(setupToken);
      const body = { ...base, merchant: { ...base.merchant, ...(change as { merchant?: object }).merchant }, owner: { ...base.owner, ...(change as { owner?: object }).owner } };
      const res = await request(rt().app).post('/v1/setup').send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      expect(await count(rt(), 'merchants')).toBe(0);
      expect(await count(rt(), 'staff_users')).toBe(0);
    });

    it('refuses a wrong setup token with 401 and writes nothing', async () => {
      const res = await request(rt().app).post('/v1/setup').send(setupBody('not-the-token')).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
      expect(await count(rt(), 'merchants')).toBe(0);
    });

    it('creates the merchant and owner, signs the owner in and burns the token', async () => {
      const res = await request(rt().app).post('/v1/setup').send(setupBody(setupToken)).expect(201);
      expect(res.body).toMatchObject({ expiresIn: 900, user: { email: 'owner@corner.example', role: 'owner', storeIds: null } });
      owner = res.body;
      const me = await request(rt().app).get('/v1/auth/me').set(bearer(owner.accessToken)).expect(200);
      expect(me.body).toMatchObject({ kind: 'staff', merchant: { name: 'Corner Grocer', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th-TH' }, user: { id: owner.user.id } });
      const [row] = await rt().db.manager.query('SELECT password_hash FROM staff_users WHERE id = ?', [owner.user.id]);
      expect(row.password_hash).toMatch(/^scrypt\$/);
    });

    it('refuses a second setup with 409 and mints no more tokens', async () => {
      const res = await request(rt().app).post('/v1/setup').send(setupBody(setupToken)).expect(409);
      expect(res.body.error.code).toBe('SETUP_ALREADY_DONE');
      await request(rt().app).get('/v1/setup').expect(200, { setupRequired: false, invite: null });
      await expect(rt().services.auth.ensureSetupToken()).resolves.toBeNull();
      const out = new PassThrough();
      await printSetupInstructions(rt().services, 'http://shop.test', out);
      expect(out.read()).toBeNull();
      expect(await count(rt(), 'merchants')).toBe(1);
    });
  });

  describe('the owner sets up a store, a cashier and a till', () => {
    let storeId: string;
    let apiKey: string;
    let terminalId: string;

    it('signs in with the email in any case', async () => {
      const res = await request(rt().app).post('/v1/auth/sign-in').send({ email: 'OWNER@corner.example', password: 'a long enough password' }).expect(200);
      expect(res.body.user).toMatchObject({ role: 'owner', merchantId: owner.user.merchantId });
      owner = res.body;
    });

    it('creates a store, a cashier who can sign in, and a terminal', async () => {
      const app = rt().app;
      const store = await request(app).post('/v1/stores').set(bearer(owner.accessToken)).send({ code: 's01', name: 'Main street' }).expect(201);
      storeId = store.body.id;
      expect(store.body.code).toBe('S01');
      await request(app)
        .post('/v1/staff')
        .set(bearer(owner.accessToken))
        .send({ email: 'cashier@corner.example', name: 'Nok', password: 'cashier password', role: 'cashier', storeIds: [storeId] })
        .expect(201);
      const cashier = await request(app).post('/v1/auth/sign-in').send({ email: 'cashier@corner.example', password: 'cashier password' }).expect(200);
      expect(cashier.body.user).toMatchObject({ role: 'cashier', storeIds: [storeId] });
      const terminal = await request(app).post('/v1/terminals').set(bearer(owner.accessToken)).send({ storeId, name: 'Till 1' }).expect(201);
      apiKey = terminal.body.apiKey;
      terminalId = terminal.body.terminal.id;
      expect(apiKey).toMatch(/^tly_[0-9a-f]{10}_/);
      const listed = await request(app).get('/v1/terminals').set(bearer(owner.accessToken)).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(apiKey.split('_').slice(2).join('_'));
    });

    it('lets the till exchange its key for a token and see who it is', async () => {
      const res = await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey }).expect(200);
      expect(res.body).toMatchObject({ expiresIn: 900, terminal: { id: terminalId, name: 'Till 1', storeId } });
      const me = await request(rt().app).get('/v1/auth/me').set(bearer(res.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ kind: 'terminal', terminal: { id: terminalId, storeId }, merchant: { currency: 'THB' } });
      const seen = async () => String((await rt().db.manager.query('SELECT last_seen_at FROM terminals WHERE id = ?', [terminalId]))[0].last_seen_at);
      const first = await seen();
      expect(first).not.toBe('null');
      // Within a minute further requests do not write it again.
      await request(rt().app).get('/v1/auth/me').set(bearer(res.body.accessToken)).expect(200);
      expect(await seen()).toBe(first);
    });

    it('refuses a wrong key or a key of the wrong shape with 401', async () => {
      const wrongSecret = `${apiKey.slice(0, -2)}${apiKey.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const key of [wrongSecret, 'tly_nothing', apiKey.replace(/^tly_[0-9a-f]+/, 'tly_0000000000')]) {
        const res = await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey: key }).expect(401);
        // The till's own code, so it never shows the staff answer "wrong email or password".
        expect(res.body.error.code).toBe('TERMINAL_KEY_INVALID');
      }
    });

    it('stops a revoked terminal on its very next request and refuses new tokens', async () => {
      const token = (await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey }).expect(200)).body.accessToken;
      await request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(200);
      await request(rt().app).post(`/v1/terminals/${terminalId}/revoke`).set(bearer(owner.accessToken)).expect(200);
      const next = await request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(401);
      expect(next.body.error.code).toBe('INVALID_TOKEN');
      const again = await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey }).expect(401);
      expect(again.body.error.message).toMatch(/revoked/);
    });
  });

  describe('refresh tokens', () => {
    const signIn = async () => (await request(rt().app).post('/v1/auth/sign-in').send({ email: 'owner@corner.example', password: 'a long enough password' }).expect(200)).body;

    it('rotates: each refresh gives a new pair and spends the old token', async () => {
      const first = await signIn();
      const second = (await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await request(rt().app).get('/v1/auth/me').set(bearer(second.accessToken)).expect(200);
      const third = (await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;
      expect(third.user.id).toBe(first.user.id);
      // Only the hash is stored.
      const rows: { token_hash: string }[] = await rt().db.manager.query('SELECT token_hash FROM refresh_tokens');
      expect(rows.map((r) => r.token_hash)).not.toContain(third.refreshToken);
    });

    it('revokes the whole family when a spent token is used again', async () => {
      const first = await signIn();
      const second = (await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      const reuse = await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      expect(reuse.body.error.code).toBe('INVALID_TOKEN');
      // The thief's and the owner's latest token both stopped working.
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
      // Another sign-in (another family) is untouched.
      const other = await signIn();
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: other.refreshToken }).expect(200);
    });

    it('lets only one of two simultaneous refreshes with the same token win, and then revokes the family', async () => {
      const first = await signIn();
      const both = await Promise.all([0, 1].map(() => request(rt().app).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken })));
      expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = both.find((r) => r.status === 200)!;
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: winner.body.refreshToken }).expect(401);
    });

    it('signs out a family and answers 204 even for unknown tokens', async () => {
      const session = await signIn();
      await request(rt().app).post('/v1/auth/sign-out').send({ refreshToken: session.refreshToken }).expect(204);
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      await request(rt().app).post('/v1/auth/sign-out').send({ refreshToken: 'never-issued' }).expect(204);
    });

    it('refuses an expired refresh token', async () => {
      const session = await signIn();
      await rt().db.manager.query("UPDATE refresh_tokens SET expires_at = '2000-01-01 00:00:00' WHERE revoked_at IS NULL AND used_at IS NULL");
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    });
  });

  describe('changing one\'s own password', () => {
    it('needs the current password, ends other sessions and returns a new one', async () => {
      const app = rt().app;
      const other = (await request(app).post('/v1/auth/sign-in').send({ email: 'cashier@corner.example', password: 'cashier password' }).expect(200)).body;
      const mine = (await request(app).post('/v1/auth/sign-in').send({ email: 'cashier@corner.example', password: 'cashier password' }).expect(200)).body;
      const wrong = await request(app).post('/v1/auth/password').set(bearer(mine.accessToken)).send({ currentPassword: 'not it at all', newPassword: 'a new cashier password' }).expect(401);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      const short = await request(app).post('/v1/auth/password').set(bearer(mine.accessToken)).send({ currentPassword: 'cashier password', newPassword: 'short' }).expect(400);
      expect(short.body.error.details[0].path).toBe('body.newPassword');
      const fresh = await request(app).post('/v1/auth/password').set(bearer(mine.accessToken)).send({ currentPassword: 'cashier password', newPassword: 'a new cashier password' }).expect(200);
      await request(app).post('/v1/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
      await request(app).post('/v1/auth/refresh').send({ refreshToken: fresh.body.refreshToken }).expect(200);
      await request(app).post('/v1/auth/sign-in').send({ email: 'cashier@corner.example', password: 'cashier password' }).expect(401);
      await request(app).post('/v1/auth/sign-in').send({ email: 'cashier@corner.example', password: 'a new cashier password' }).expect(200);
    });

    it('is for staff only', async () => {
      const fx = await createMerchantFixture(rt());
      await request(rt().app).post('/v1/auth/password').set(bearer(fx.tokens.terminal)).send({ currentPassword: 'x', newPassword: 'a new long password' }).expect(403);
    });
  });

  // Lockout itself: sign-in-guard.api.test.ts.
  describe('sign-in failures', () => {
    let fx: MerchantFixture;
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
      await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword('manager password'), fx.manager.id]);
    });

    it('gives the same answer for a wrong password, an unknown email and a disabled account', async () => {
      const app = rt().app;
      const wrong = await request(app).post('/v1/auth/sign-in').send({ email: fx.manager.email, password: 'not the password' }).expect(401);
      const unknown = await request(app).post('/v1/auth/sign-in').send({ email: 'nobody@example.test', password: 'not the password' }).expect(401);
      expect(unknown.body.error).toEqual({ ...wrong.body.error, requestId: unknown.body.error.requestId });
      await rt().db.manager.query('UPDATE staff_users SET active = 0 WHERE id = ?', [fx.manager.id]);
      const disabled = await request(app).post('/v1/auth/sign-in').send({ email: fx.manager.email, password: 'manager password' }).expect(401);
      expect(disabled.body.error.message).toBe(wrong.body.error.message);
      await rt().db.manager.query('UPDATE staff_users SET active = 1 WHERE id = ?', [fx.manager.id]);
    });

    it('refuses bad input with 400 details', async () => {
      const res = await request(rt().app).post('/v1/auth/sign-in').send({ email: fx.manager.email, password: 123, extra: true }).expect(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body', 'body.password']);
    });
  });

  describe('access tokens', () => {
    let fx: MerchantFixture;
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
    });

    const claims = () => ({ sub: fx.owner.id, typ: 'staff', mid: fx.merchant.id, role: 'owner', stores: null, gen: 0 });
    const sign = (overrides: jwt.SignOptions = {}, secret = rt().config.jwtSecret, payload: object = claims()) =>
      jwt.sign(payload, secret, { algorithm: 'HS256', expiresIn: 300, issuer: 'tally', audience: 'tally-api', ...overrides });

    async function expectRefused(token: string) {
      const res = await request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    }

    it('accepts a well-signed token', async () => {
      await request(rt().app).get('/v1/auth/me').set(bearer(sign())).expect(200);
    });

    it('refuses a tampered signature', async () => {
      const [h, p, s] = sign().split('.');
      await expectRefused(`${h}.${p}.${s.slice(0, -3)}${s.endsWith('AAA') ? 'BBB' : 'AAA'}`);
    });

    it('refuses a tampered payload with the old signature', async () => {
      const [h, , s] = sign().split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims(), mid: 'another-merchant', exp: Math.floor(Date.now() / 1000) + 300, iss: 'tally', aud: 'tally-api' })).toString('base64url');
      await expectRefused(`${h}.${payload}.${s}`);
    });

    it('refuses an expired token', async () => {
      const expired = sign({ expiresIn: -10 });
      const res = await request(rt().app).get('/v1/auth/me').set(bearer(expired)).expect(401);
      expect(res.body.error.message).toMatch(/expired/);
    });

    it('refuses alg: none', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ ...claims(), iss: 'tally', aud: 'tally-api', exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
      await expectRefused(`${header}.${payload}.`);
    });

    it('refuses a token signed with another secret, another algorithm or for another audience', async () => {
      await expectRefused(sign({}, 'another-secret-another-secret-another-secret'));
      await expectRefused(sign({ algorithm: 'HS512' }));
      await expectRefused(sign({ audience: 'someone-else' }));
      await expectRefused(sign({ issuer: 'not-tally' }));
    });

    it('asks for a token when none or a malformed header is sent', async () => {
      const none = await request(rt().app).get('/v1/auth/me').expect(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      await request(rt().app).get('/v1/auth/me').set('Authorization', 'Basic abc').expect(401);
    });

    it('refuses a token without an expiry for every kind of caller (staff, terminal, member)', async () => {
      const enrolled = await request(rt().app).post('/v1/pos/members').set(bearer(fx.tokens.terminal)).send({ firstName: 'Ana', email: `ana-${Date.now()}@example.test`, consents: {} }).expect(201);
      const forever = (payload: object) => jwt.sign(payload, rt().config.jwtSecret, { algorithm: 'HS256', issuer: 'tally', audience: 'tally-api' });
      const kinds = [
        claims(),
        { sub: fx.terminal.id, typ: 'terminal', mid: fx.merchant.id, store: fx.store.id },
        { sub: enrolled.body.member.id, typ: 'member', mid: fx.merchant.id },
      ];
      for (const payload of kinds) {
        // The same claims with an expiry are fine: only the missing expiry is refused.
        await request(rt().app).get('/v1/auth/me').set(bearer(sign({}, undefined, payload))).expect(200);
        await expectRefused(forever(payload));
      }
    });

    it('stops a disabled user at once and applies a role change without a new token', async () => {
      const app = rt().app;
      await request(app).patch(`/v1/staff/${fx.manager.id}`).set(bearer(fx.tokens.owner)).send({ role: 'cashier' }).expect(200);
      // The manager's token still says manager; the database says cashier now.
      await request(app).get('/v1/staff').set(bearer(fx.tokens.manager)).expect(403);
      await request(app).patch(`/v1/staff/${fx.cashier.id}`).set(bearer(fx.tokens.owner)).send({ active: false }).expect(200);
      await expectRefused(fx.tokens.cashier);
    });
  });
});
