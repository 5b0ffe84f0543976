import type { Express } from 'express';
import request from 'supertest';
import { hashPassword } from '../../../src/auth/passwords';
import { ACCOUNT_ATTEMPTS, NEW_SOURCE_ATTEMPTS } from '../../../src/auth/sign-in-guard.repository';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { secondApp } from '../../support/second-app';
import { describeEachDb } from '../../support/test-runtime';

type Answer = request.Response;

/**
 * Issue 15, findings 2 and 3. Each test uses its own source addresses
 * (X-Forwarded-For, trusted here) so the counters of one do not reach the next.
 */
describeEachDb(
  'auth: password attempts are counted before the check, per email and source, in the shared database',
  (rt) => {
    let fx: MerchantFixture;
    let other: { app: Express; close(): Promise<void> };
    const PASSWORD = 'the owner password';
    beforeAll(async () => {
      fx = await createMerchantFixture(rt());
      await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword(PASSWORD), fx.owner.id]);
      other = await secondApp(rt());
    });
    afterAll(async () => {
      await other?.close();
    });

    const signIn = (app: Express, email: string, password: string, from: string) =>
      request(app).post('/v1/auth/sign-in').set('X-Forwarded-For', from).send({ email, password });
    /** Answers whose password was actually checked: anything but a 429. */
    const checked = (answers: Answer[]) => answers.filter((a) => a.status !== 429);
    const shape = (a: Answer) => ({ status: a.status, code: a.body.error?.code, message: a.body.error?.message, details: a.body.error?.details, retryAfter: a.headers['retry-after'] });

    it('checks only 5 of 100 wrong passwords sent at once from one source, spread over two api processes', async () => {
      const from = '203.0.113.1';
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn(i % 2 ? other.app : rt().app, fx.owner.email, `wrong guess ${i}`, from)));
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(checked(answers)).toHaveLength(ACCOUNT_ATTEMPTS);
      expect(checked(answers).every((a) => a.body.error.code === 'INVALID_CREDENTIALS')).toBe(true);
      // Locked now: the right password from that source is not even checked.
      const after = await signIn(rt().app, fx.owner.email, PASSWORD, from).expect(429);
      // (Or the per-process address limit, which these 100 requests also reached in each process.)
      expect(['ACCOUNT_LOCKED', 'RATE_LIMITED']).toContain(after.body.error.code);
      expect(Number(after.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('does not let the right password through among 60 parallel guesses beyond the first 5 checks', async () => {
      const from = '203.0.113.2';
      const guesses = [...Array.from({ length: 59 }, (_, i) => `wrong guess ${i}`), PASSWORD];
      const answers = await Promise.all(guesses.map((p) => signIn(rt().app, fx.owner.email, p, from)));
      expect(checked(answers).length).toBeLessThanOrEqual(ACCOUNT_ATTEMPTS);
      // Once the wrong ones have spent the allowance, the right one is refused unchecked too.
      const locked = await Promise.all(guesses.map((p) => signIn(rt().app, fx.owner.email, p, from)));
      expect(locked.every((a) => a.status === 429)).toBe(true);
    });

    it('limits many sources guessing one email together, without keeping the owner out where they signed in before', async () => {
      // The owner signs in from the shop once: that source is known for this email.
      const shop = '198.51.100.7';
      await signIn(rt().app, fx.owner.email, PASSWORD, shop).expect(200);
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(i % 2 ? other.app : rt().app, fx.owner.email, `botnet guess ${i}`, `192.0.2.${i + 1}`)));
      expect(checked(answers).length).toBeLessThanOrEqual(NEW_SOURCE_ATTEMPTS);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      // The owner in the shop is not held back by the strangers' guesses.
      await signIn(rt().app, fx.owner.email, PASSWORD, shop).expect(200);
    });

    it('locks a stranger out, not the owner: five wrong passwords from one source leave every other source free', async () => {
      await rt().db.manager.query('UPDATE staff_users SET password_hash = ? WHERE id = ?', [await hashPassword(PASSWORD), fx.manager.id]);
      const stranger = '203.0.113.3';
      for (let round = 0; round < 3; round++) {
        const answers = [];
        for (let i = 0; i < ACCOUNT_ATTEMPTS + 1; i++) answers.push(await signIn(rt().app, fx.manager.email, `wrong guess ${i}`, stranger));
        expect(answers.at(-1)!.status).toBe(429);
        // The account's own sign-in from elsewhere works at once, however often the stranger tries.
        await signIn(other.app, fx.manager.email, PASSWORD, '198.51.100.8').expect(200);
      }
    });

    it('answers an unknown email exactly like a staff email, attempt by attempt, including the lock', async () => {
      const known: Answer[] = [];
      const unknown: Answer[] = [];
      for (let i = 0; i < ACCOUNT_ATTEMPTS + 2; i++) {
        known.push(await signIn(rt().app, fx.cashier.email, `wrong guess ${i}`, '203.0.113.4'));
        unknown.push(await signIn(rt().app, 'nobody-here@example.test', `wrong guess ${i}`, '203.0.113.5'));
      }
      expect(unknown.map(shape)).toEqual(known.map(shape));
      expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    });

    it('backs off: each further lock without a success in between lasts twice as long', async () => {
      const from = '203.0.113.6';
      const lockFor = async () => {
        for (let i = 0; i < ACCOUNT_ATTEMPTS; i++) await signIn(rt().app, fx.manager.email, `wrong ${i}`, from).expect(401);
        const locked = await signIn(rt().app, fx.manager.email, 'wrong', from).expect(429);
        return Number(locked.headers['retry-after']);
      };
      const first = await lockFor();
      expect(first).toBeLessThanOrEqual(60);
      await rt().db.manager.query("UPDATE sign_in_guards SET locked_until = '2000-01-01 00:00:00' WHERE locked_until IS NOT NULL");
      const second = await lockFor();
      expect(second).toBeGreaterThan(60);
      expect(second).toBeLessThanOrEqual(120);
    });
  },
  { sqliteFile: true, env: { TRUST_PROXY: '1' } },
);
