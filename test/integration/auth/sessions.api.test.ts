import request from 'supertest';
import { hashPassword } from '../../../src/auth/passwords';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachDb('auth: one email in several shops, revocation at once, no-store', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  const EMAIL = `shared-${Date.now()}@example.test`;
  beforeAll(async () => {
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    // The same person works for two shops, with the same password in both; a third account reuses the email with another password.
    for (const [fx, password] of [
      [a, 'same password in both'],
      [b, 'same password in both'],
    ] as const) {
      await request(rt().app).post('/v1/staff').set(bearer(fx.tokens.owner)).send({ email: EMAIL, name: 'Sam', password, role: 'manager' }).expect(201);
    }
  });

  const signIn = (body: object) => request(rt().app).post('/v1/auth/sign-in').send(body);

  describe('finding 8: staff emails are unique per merchant; sign-in asks which', () => {
    it('asks which merchant, naming only those the password opens, then signs in to the one chosen', async () => {
      const choice = await signIn({ email: EMAIL, password: 'same password in both' }).expect(409);
      expect(choice.body.error.code).toBe('MERCHANT_CHOICE_REQUIRED');
      const offered = choice.body.error.details.merchants.map((m: { id: string }) => m.id).sort();
      expect(offered).toEqual([a.merchant.id, b.merchant.id].sort());
      const chosen = await signIn({ email: EMAIL, password: 'same password in both', merchantId: b.merchant.id }).expect(200);
      expect(chosen.body.user.merchantId).toBe(b.merchant.id);
      const me = await request(rt().app).get('/v1/auth/me').set(bearer(chosen.body.accessToken)).expect(200);
      expect(me.body.merchant.id).toBe(b.merchant.id);
    });

    it('signs straight in when the password opens one shop only, and tells nothing of the others', async () => {
      await request(rt().app).patch(`/v1/staff/${await staffId(a, EMAIL)}`).set(bearer(a.tokens.owner)).send({ password: 'only in shop a now' }).expect(200);
      const res = await signIn({ email: EMAIL, password: 'only in shop a now' }).expect(200);
      expect(res.body.user.merchantId).toBe(a.merchant.id);
      // A wrong password, or a merchant the password does not open, is the plain wrong-password answer.
      const wrong = await signIn({ email: EMAIL, password: 'only in shop a now', merchantId: b.merchant.id }).expect(401);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      expect(JSON.stringify(wrong.body)).not.toContain(b.merchant.id);
    });

    async function staffId(fx: MerchantFixture, email: string): Promise<string> {
      const list = await request(rt().app).get('/v1/staff').query({ q: email }).set(bearer(fx.tokens.owner)).expect(200);
      return list.body.items[0].id;
    }
  });

  describe('finding 9: access tokens stop at once when their sessions are revoked', () => {
    let fx: MerchantFixture;
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
      await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword('manager password'), fx.manager.id]);
    });
    const session = async (password = 'manager password') => (await signIn({ email: fx.manager.email, password }).expect(200)).body;
    const works = (token: string) => request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(200);
    const refused = async (token: string) => {
      const res = await request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    };

    it('after refresh-token reuse, the access tokens of that sign-in (the thief’s included) are refused', async () => {
      const stolen = await session();
      const rotated = (await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: stolen.refreshToken }).expect(200)).body;
      await works(rotated.accessToken);
      // The spent token comes back: reuse.
      await request(rt().app).post('/v1/auth/refresh').send({ refreshToken: stolen.refreshToken }).expect(401);
      await refused(rotated.accessToken);
      await refused(stolen.accessToken);
    });

    it('after a password change, other sessions’ access tokens are refused and the new one works', async () => {
      const other = await session();
      const mine = await session();
      const changed = await request(rt().app).post('/v1/auth/password').set(bearer(mine.accessToken)).send({ currentPassword: 'manager password', newPassword: 'a changed password' }).expect(200);
      await refused(other.accessToken);
      await refused(mine.accessToken);
      await works(changed.body.accessToken);
      await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword('manager password'), fx.manager.id]);
    });

    it('after an owner resets the password, every access token of the user is refused', async () => {
      const before = await session();
      await request(rt().app).patch(`/v1/staff/${fx.manager.id}`).set(bearer(fx.tokens.owner)).send({ password: 'reset by the owner' }).expect(200);
      await refused(before.accessToken);
      const after = await session('reset by the owner');
      await works(after.accessToken);
    });
  });

  describe('finding 11: authenticated answers are never cached', () => {
    it('sends Cache-Control: no-store on every API answer, errors included, for every kind of caller', async () => {
      const answers = [
        await request(rt().app).get('/v1/auth/me').set(bearer(a.tokens.owner)).expect(200),
        await request(rt().app).get('/v1/staff').set(bearer(a.tokens.manager)).expect(200),
        await request(rt().app).get('/v1/auth/me').set(bearer(a.tokens.terminal)).expect(200),
        await request(rt().app).get('/v1/staff').set(bearer(a.tokens.terminal)).expect(403),
        await request(rt().app).get('/v1/staff').expect(401),
        await signIn({ email: EMAIL, password: 'only in shop a now' }).expect(200),
      ];
      for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
    });
  });
});
