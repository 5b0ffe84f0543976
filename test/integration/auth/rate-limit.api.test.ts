import request from 'supertest';
import { hashPassword } from '../../../src/auth/passwords';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

// Its own file: the per-IP counters live in the app, and this suite exhausts them.
describeEachDb('auth: per-IP rate limit on sign-in', (rt) => {
  let fx: MerchantFixture;
  beforeAll(async () => {
    fx = await createMerchantFixture(rt());
    await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword('owner password'), fx.owner.id]);
  });

  it('counts only failures, then answers 429 RATE_LIMITED with Retry-After in the structured error format', async () => {
    const app = rt().app;
    // Successful sign-ins (a whole shop behind one address) never use up the allowance.
    for (let i = 0; i < 3; i++) await request(app).post('/v1/auth/sign-in').send({ email: fx.owner.email, password: 'owner password' }).expect(200);
    // Different unknown emails, so no account lockout gets in the way: this is the per-address limit.
    for (let i = 0; i < 20; i++) {
      await request(app).post('/v1/auth/sign-in').send({ email: `guess-${i}@example.test`, password: 'a guessed password' }).expect(401);
    }
    const limited = await request(app).post('/v1/auth/sign-in').send({ email: fx.owner.email, password: 'owner password' }).expect(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(limited.body.error.requestId).toEqual(expect.any(String));
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('keeps separate counters, so tills can still fetch tokens', async () => {
    const res = await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey: 'tly_0000000000_wrong' }).expect(401);
    // Not the staff answer ("wrong email or password"): the till says its key is not one.
    expect(res.body.error.code).toBe('TERMINAL_KEY_INVALID');
  });
});
