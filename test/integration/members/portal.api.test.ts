import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { Member } from '../../../src/members/member.entity';
import { SignInCode } from '../../../src/members/sign-in-code.entity';
import { Notification } from '../../../src/notifications/notification.entity';
import { notificationJobs } from '../../../src/notifications/notifications.jobs';
import { NotificationsService } from '../../../src/notifications/notifications.service';
import { startJobs } from '../../../src/jobs/start-jobs';
import { bindJobs } from '../../../src/module';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachDb('member portal: one-time code sign-in and self-service', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let member: { id: string; memberNumber: string };

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH', name: 'Corner Mart' });
    b = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH' });
    const res = await request(rt().app)
      .post('/v1/pos/members')
      .set(auth(a.tokens.terminal))
      .send({ firstName: 'Portal', phone: '0812345678', email: 'portal@example.test' })
      .expect(201);
    member = res.body.member;
  });

  const requestCode = (merchantId: string, body: Record<string, unknown>) => request(rt().app).post(`/v1/portal/${merchantId}/sign-in/code`).send(body);
  const verify = (merchantId: string, body: Record<string, unknown>) => request(rt().app).post(`/v1/portal/${merchantId}/sign-in/verify`).send(body);

  /** The code as the member receives it: from the queued notification's text. */
  async function latestCode(destination: string): Promise<string> {
    const [n] = await rt().db.manager.find(Notification, { where: { merchantId: a.merchant.id, destination }, order: { createdAt: 'DESC', id: 'DESC' }, take: 1 });
    const code = /code is (\d{6})/.exec(n?.body ?? '')?.[1];
    if (!code) throw new Error('no code sent');
    return code;
  }

  it('sends a code through the outbox and signs the member in with it', async () => {
    await requestCode(a.merchant.id, { phone: '+66 81 234 5678' }).expect(202, { sent: true });
    const [notification] = await rt().db.manager.find(Notification, { where: { merchantId: a.merchant.id, memberId: member.id } });
    expect(notification).toMatchObject({ channel: 'sms', destination: '+66812345678', status: 'queued', template: 'sign-in-code', sensitive: true });
    const code = await latestCode('+66812345678');
    // Only a hash is stored with the code row.
    const [row] = await rt().db.manager.find(SignInCode, { where: { merchantId: a.merchant.id, memberId: member.id } });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code);

    const signedIn = await verify(a.merchant.id, { phone: '0812345678', code }).expect(200);
    expect(signedIn.body.member).toMatchObject({ id: member.id, memberNumber: member.memberNumber });
    expect(signedIn.body.expiresIn).toBeGreaterThan(0);
    // A code works once.
    await verify(a.merchant.id, { phone: '0812345678', code }).expect(401);

    const token = signedIn.body.accessToken as string;
    const me = await request(rt().app).get('/v1/me').set(auth(token)).expect(200);
    expect(me.body.member.id).toBe(member.id);
    expect(me.body.cards).toHaveLength(1);

    // The notifications.send job delivers through the log adapter: the code is one plain console line (not in the
    // JSON log line, where it was hard to find), the stored text is cleared.
    const lines: string[] = [];
    const printed: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const notifications = new NotificationsService({ ...rt(), log }, undefined, (line) => printed.push(line));
    await notificationJobs[0].handle({ notificationId: notification.id }, { ...rt().services, notifications });
    expect(printed).toEqual([`NOT SENT (no SMS/email gateway) sms to +66812345678: Corner Mart: your sign-in code is ${code}. It expires in 10 minutes. Do not share it.\n`]);
    expect(lines.join('\n')).toContain('NOT DELIVERED - log adapter] sms to +66812345678: [printed on the console]');
    expect(lines.join('\n')).not.toContain(code);
    const sent = await rt().db.manager.findOneByOrFail(Notification, { id: notification.id });
    expect(sent).toMatchObject({ status: 'sent', body: null, attempts: 1 });
    expect(sent.sentAt).toBeInstanceOf(Date);
    // Delivered twice (a retried job) is still one message.
    await notifications.send(notification.id);
    expect(lines.filter((l) => l.includes('NOT DELIVERED')).length).toBe(1);
    expect(printed).toHaveLength(1);
  });

  it('answers 202 for an unknown member or merchant and sends nothing', async () => {
    const before = await rt().db.manager.count(Notification);
    await requestCode(a.merchant.id, { phone: '0899999999' }).expect(202);
    await requestCode(a.merchant.id, { email: 'nobody@example.test' }).expect(202);
    await requestCode(b.merchant.id, { phone: '0812345678' }).expect(202);
    await requestCode('00000000-0000-7000-8000-000000000000', { phone: '0812345678' }).expect(202);
    expect(await rt().db.manager.count(Notification)).toBe(before);
    await verify(b.merchant.id, { phone: '0812345678', code: '123456' }).expect(401);
    const bad = await requestCode(a.merchant.id, { phone: '0812345678', email: 'portal@example.test' });
    expect(bad.status).toBe(400);
    await requestCode(a.merchant.id, {}).expect(400);
    await verify(a.merchant.id, { email: 'portal@example.test', code: '12345' }).expect(400);
  });

  it('refuses wrong codes and expires codes after ten minutes', async () => {
    const signIn = rt().services.memberSignIn;
    await requestCode(a.merchant.id, { email: 'PORTAL@example.test' }).expect(202);
    const code = await latestCode('portal@example.test');
    const wrong = code === '000000' ? '111111' : '000000';
    const res = await verify(a.merchant.id, { email: 'portal@example.test', code: wrong });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CODE');
    await expect(signIn.verify(a.merchant.id, { email: 'portal@example.test' }, code, '198.51.100.1', new Date(Date.now() + 10 * 60_000 + 1000))).rejects.toMatchObject({ code: 'INVALID_CODE' });
    const ok = await signIn.verify(a.merchant.id, { email: 'portal@example.test' }, code, '198.51.100.1', new Date(Date.now() + 9 * 60_000));
    expect(ok.member.id).toBe(member.id);
  });

  // Issue 15, finding 6: three requests or five wrong guesses from anywhere locked the member out.
  it('limits guesses per source, so wrong guesses from elsewhere leave the member signing in', async () => {
    const signIn = rt().services.memberSignIn;
    const to = { email: 'portal@example.test' };
    await signIn.requestCode(a.merchant.id, to, '198.51.100.2');
    const code = await latestCode('portal@example.test');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await expect(signIn.verify(a.merchant.id, to, wrong, '203.0.113.50')).rejects.toMatchObject({ code: 'INVALID_CODE' });
    // The guessing address is stopped, before its guess is checked (even the right code).
    await expect(signIn.verify(a.merchant.id, to, code, '203.0.113.50')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // The member, from their own address, still signs in with the code they received.
    expect((await signIn.verify(a.merchant.id, to, code, '198.51.100.2')).member.id).toBe(member.id);

    // Thirty wrong guesses from many addresses together end the live codes (about 30 in a million per code).
    await signIn.requestCode(a.merchant.id, to, '198.51.100.2');
    const next = await latestCode('portal@example.test');
    const miss = next === '000000' ? '111111' : '000000';
    for (let source = 0; source < 6; source++) {
      for (let i = 0; i < 5; i++) await expect(signIn.verify(a.merchant.id, to, miss, `203.0.113.${60 + source}`)).rejects.toMatchObject({ code: 'INVALID_CODE' });
    }
    await expect(signIn.verify(a.merchant.id, to, next, '198.51.100.2')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // A new code works at once.
    await signIn.requestCode(a.merchant.id, to, '198.51.100.2');
    expect((await signIn.verify(a.merchant.id, to, await latestCode('portal@example.test'), '198.51.100.2')).member.id).toBe(member.id);
  });

  it('limits code requests per source, never locks the member out, and caps the messages a destination gets', async () => {
    const signIn = rt().services.memberSignIn;
    const created = await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Limits', phone: '0812345670' }).expect(201);
    const to = { phone: '0812345670' };
    const sms = () => rt().db.manager.count(Notification, { where: { merchantId: a.merchant.id, destination: '+66812345670', template: 'sign-in-code' } });
    const before = 0;
    for (let i = 0; i < 3; i++) await signIn.requestCode(a.merchant.id, to, '203.0.113.70');
    await expect(signIn.requestCode(a.merchant.id, to, '203.0.113.70')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // The member's own request still goes through, and every live code they received works.
    await signIn.requestCode(a.merchant.id, to, '198.51.100.3');
    const sent = await rt().db.manager.find(Notification, { where: { merchantId: a.merchant.id, destination: '+66812345670', template: 'sign-in-code' }, order: { id: 'ASC' } });
    const firstOfAttacker = /code is (\d{6})/.exec(sent[0].body ?? '')?.[1] as string;
    expect((await signIn.verify(a.merchant.id, to, firstOfAttacker, '198.51.100.3')).member.id).toBe(created.body.member.id);
    expect(await sms()).toBe(before + 4);
    // Requests beyond the destination's hourly message cap are answered alike but send nothing (each message costs the shop).
    for (let source = 0; source < 4; source++) await signIn.requestCode(a.merchant.id, to, `203.0.113.${80 + source}`);
    expect(await sms()).toBe(before + 5);

    // Per requesting address, across destinations.
    for (let i = 0; i < 10; i++) await signIn.requestCode(a.merchant.id, { email: `probe${i}@example.test` }, '203.0.113.9');
    await expect(signIn.requestCode(a.merchant.id, { email: 'probe-last@example.test' }, '203.0.113.9')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await signIn.requestCode(a.merchant.id, { email: 'probe-last@example.test' }, '203.0.113.10');
  });

  it('answers for an unknown merchant exactly as for a known one, limits included', async () => {
    const unknown = '00000000-0000-7000-8000-00000000abcd';
    const answers = async (merchantId: string, source: string) => {
      const out: string[] = [];
      for (let i = 0; i < 4; i++) {
        out.push(await rt().services.memberSignIn.requestCode(merchantId, { phone: '0899999998' }, source).then(() => 'sent', (err: { code: string }) => err.code));
      }
      for (let i = 0; i < 6; i++) {
        out.push(await rt().services.memberSignIn.verify(merchantId, { phone: '0899999998' }, '123456', source).then(() => 'ok', (err: { code: string }) => err.code));
      }
      return out;
    };
    const known = await answers(a.merchant.id, '203.0.113.90');
    expect(known).toEqual(['sent', 'sent', 'sent', 'RATE_LIMITED', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED']);
    expect(await answers(unknown, '203.0.113.91')).toEqual(known);
    const http = await request(rt().app).post(`/v1/portal/${unknown}/sign-in/code`).send({ phone: '0899999997' });
    expect([http.status, http.body]).toEqual([202, { sent: true }]);
  });

  it('lets the member keep the profile and consents current, export the data and ask for deletion', async () => {
    await rt().services.memberSignIn.requestCode(a.merchant.id, { email: 'portal@example.test' }, '198.51.100.4');
    const token = (await rt().services.memberSignIn.verify(a.merchant.id, { email: 'portal@example.test' }, await latestCode('portal@example.test'), '198.51.100.4')).accessToken;
    const patched = await request(rt().app).patch('/v1/me').set(auth(token)).send({ lastName: 'Self', birthDate: '1985-05-06', locale: 'th' }).expect(200);
    expect(patched.body).toMatchObject({ lastName: 'Self', birthDate: '1985-05-06', locale: 'th' });
    await request(rt().app).patch('/v1/me').set(auth(token)).send({ tierOverride: 'gold' }).expect(400);
    // Taking another member's email is refused without saying whose it is.
    await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Other', email: 'other@example.test' }).expect(201);
    const taken = await request(rt().app).patch('/v1/me').set(auth(token)).send({ email: 'Other@example.test' }).expect(409);
    expect(taken.body.error).toMatchObject({ code: 'MEMBER_EXISTS', details: { field: 'email' } });
    expect(taken.body.error.details.memberNumber).toBeUndefined();
    const changes = await request(rt().app).get('/v1/me/changes').set(auth(token)).expect(200);
    expect(changes.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lastName', oldValue: null, newValue: 'Self', actorKind: 'member', actorId: member.id })]));

    const consents = await request(rt().app).put('/v1/me/consents').set(auth(token)).send({ marketingEmail: true, marketingSms: false, profiling: true }).expect(200);
    expect(consents.body.marketingEmail).toMatchObject({ granted: true, source: 'portal' });
    await request(rt().app).put('/v1/me/consents').set(auth(token)).send({ marketingEmail: false }).expect(200);
    const history = await request(rt().app).get('/v1/me/consents').set(auth(token)).expect(200);
    expect(history.body.current.marketingEmail.granted).toBe(false);
    expect(history.body.history.filter((h: { kind: string }) => h.kind === 'marketing_email').map((h: { granted: boolean }) => h.granted)).toEqual([true, false]);

    const me = await request(rt().app).get('/v1/me').set(auth(token)).expect(200);
    expect(me.body.completeness).toEqual({ score: 100, missing: [] });

    await rt().services.pointsAdjustments.adjust({ kind: 'staff', merchantId: a.merchant.id, userId: a.owner.id, role: 'owner', storeIds: null }, member.id, { points: 25, reason: 'goodwill', idempotencyKey: null });
    const exported = await request(rt().app).get('/v1/me/export').set(auth(token)).expect(200);
    expect(exported.body.member.id).toBe(member.id);
    expect(exported.body.cards).toHaveLength(1);
    expect(exported.body.consentHistory.length).toBeGreaterThanOrEqual(4);
    expect(exported.body.changes.length).toBeGreaterThanOrEqual(3);
    expect(exported.body.points.balance).toMatchObject({ available: 25, pending: 0 });
    expect(exported.body.points.entries).toEqual([expect.objectContaining({ points: 25, reason: 'goodwill' })]);
    expect(exported.body.purchases).toEqual([]);

    const deletion = await request(rt().app).post('/v1/me/deletion-request').set(auth(token)).expect(202);
    expect(deletion.body.deletionRequestedAt).toEqual(expect.any(String));
    const staffView = await request(rt().app).get('/v1/members').query({ deletionRequested: 'true' }).set(auth(a.tokens.manager)).expect(200);
    expect(staffView.body.items.map((m: { id: string }) => m.id)).toEqual([member.id]);
    expect((await rt().db.manager.findOneByOrFail(Member, { id: member.id })).deletionRequestedAt).toBeInstanceOf(Date);

    // Staff and terminals cannot use member routes, and a member cannot use staff routes.
    await request(rt().app).get('/v1/me').set(auth(a.tokens.owner)).expect(403);
    await request(rt().app).get('/v1/members').set(auth(token)).expect(403);
    await request(rt().app).get(`/v1/members/${member.id}`).set(auth(token)).expect(403);
  });
  it('prunes old code rows and discards sign-in messages never delivered in time', async () => {
    await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Old', email: 'old@example.test' }).expect(201);
    await rt().services.memberSignIn.requestCode(a.merchant.id, { email: 'old@example.test' }, '127.0.0.1', new Date(Date.now() - 2 * 86_400_000));
    expect(await rt().db.manager.countBy(SignInCode, { destination: 'old@example.test' })).toBe(1);
    const pruned = await rt().services.memberSignIn.prune();
    expect(pruned).toEqual({ codes: 1, notifications: 1 });
    expect(await rt().db.manager.countBy(SignInCode, { destination: 'old@example.test' })).toBe(0);
    expect(await rt().db.manager.findOneByOrFail(Notification, { destination: 'old@example.test' })).toMatchObject({ status: 'failed', body: null });
  });

  it('delivers the code end to end: outbox relay, queue, notifications.send, log adapter', async () => {
    const { body } = await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Relay', phone: '0812340000' }).expect(201);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const notifications = new NotificationsService({ ...rt(), log }, undefined, (line) => lines.push(line));
    const jobs = await startJobs(rt(), { consume: true, jobs: bindJobs(notificationJobs, { notifications }), relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    try {
      await requestCode(a.merchant.id, { phone: '081 234 0000' }).expect(202);
      const deadline = Date.now() + 10_000;
      let code: string | undefined;
      while (!code && Date.now() < deadline) {
        code = /sms to \+66812340000: .*code is (\d{6})/.exec(lines.join('\n'))?.[1];
        if (!code) await new Promise((r) => setTimeout(r, 50));
      }
      expect(code).toMatch(/^\d{6}$/);
      const signedIn = await verify(a.merchant.id, { phone: '+66812340000', code }).expect(200);
      expect(signedIn.body.member.id).toBe(body.member.id);
      const delivered = await rt().db.manager.findOneByOrFail(Notification, { merchantId: a.merchant.id, memberId: body.member.id });
      expect(delivered).toMatchObject({ status: 'sent', body: null });
    } finally {
      await jobs.stop();
    }
  });
});
