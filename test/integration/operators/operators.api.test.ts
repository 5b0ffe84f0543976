import request from 'supertest';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const PASSWORD = 'the operator password';

describeEachDb('platform operator: creates, suspends and lists merchants, sees nothing inside them', (rt) => {
  let operatorToken: string;
  let fx: MerchantFixture;
  beforeAll(async () => {
    await rt().services.operators.create({ email: 'Ops@Platform.test', name: 'Ops', password: PASSWORD });
    fx = await createMerchantFixture(rt());
  });

  it('signs in on its own route, answering an unknown email exactly like a wrong password', async () => {
    const res = await request(rt().app).post('/v1/operator/sign-in').send({ email: 'ops@platform.test', password: PASSWORD }).expect(200);
    expect(res.body.operator).toMatchObject({ email: 'ops@platform.test', name: 'Ops' });
    expect(res.headers['cache-control']).toBe('no-store');
    operatorToken = res.body.accessToken;
    const wrong = await request(rt().app).post('/v1/operator/sign-in').send({ email: 'ops@platform.test', password: 'not the password' }).expect(401);
    const unknown = await request(rt().app).post('/v1/operator/sign-in').send({ email: 'nobody@platform.test', password: 'not the password' }).expect(401);
    expect({ ...unknown.body.error, requestId: null }).toEqual({ ...wrong.body.error, requestId: null });
    // A merchant's staff cannot use it to sign in.
    await request(rt().app).post('/v1/operator/sign-in').send({ email: fx.owner.email, password: 'whatever it is' }).expect(401);
  });

  it('creates a merchant whose first owner signs up with the one-time link, and lists it', async () => {
    const created = await request(rt().app)
      .post('/v1/operator/merchants')
      .set(bearer(operatorToken))
      .send({ name: 'Corner Shop', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th' })
      .expect(201);
    const { merchant, ownerSetup } = created.body;
    expect(merchant).toMatchObject({ name: 'Corner Shop', suspendedAt: null });
    expect(ownerSetup.url).toBe(`${rt().config.publicUrl.replace(/\/+$/, '')}/setup?token=${ownerSetup.token}`);
    // The setup page learns which shop the link is for, and the owner signs up without shop details.
    await request(rt().app).get('/v1/setup').query({ token: ownerSetup.token }).expect(200, { setupRequired: false, invite: { merchantName: 'Corner Shop' } });
    const owner = await request(rt().app)
      .post('/v1/setup')
      .send({ token: ownerSetup.token, owner: { email: 'owner@corner.test', name: 'Owner', password: 'corner owner password' } })
      .expect(201);
    expect(owner.body.user).toMatchObject({ merchantId: merchant.id, role: 'owner' });
    // The link works once.
    const again = await request(rt().app).post('/v1/setup').send({ token: ownerSetup.token, owner: { email: 'second@corner.test', name: 'Second', password: 'corner owner password' } }).expect(401);
    expect(again.body.error.code).toBe('INVALID_TOKEN');
    const list = await request(rt().app).get('/v1/operator/merchants').set(bearer(operatorToken)).query({ q: 'Corner' }).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(merchant.id);
    // A new link for the same merchant (every owner lost access) is another one-time token.
    const link = await request(rt().app).post(`/v1/operator/merchants/${merchant.id}/owner-setup`).set(bearer(operatorToken)).expect(201);
    expect(link.body.token).not.toBe(ownerSetup.token);
    await request(rt().app).post('/v1/operator/merchants/no-such-merchant/owner-setup').set(bearer(operatorToken)).expect(404);
  });

  it('is refused on every merchant route (403), and merchant callers are refused on every operator route (403)', async () => {
    const doc = (await request(rt().app).get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.security?.length) continue;
        const url = path.replace(/\{[^}]+\}/g, fx.merchant.id);
        const call = (token: string) => request(rt().app)[method as 'get'](url).set(bearer(token)).send({});
        if (path.startsWith('/v1/operator/')) {
          for (const token of Object.values(fx.tokens)) expect([method, path, (await call(token)).status]).toEqual([method, path, 403]);
        } else {
          expect([method, path, (await call(operatorToken)).status]).toEqual([method, path, 403]);
        }
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(50);
  });

  it('suspends a merchant: its staff, terminals and members are refused with MERCHANT_SUSPENDED until resumed', async () => {
    const enrolled = await request(rt().app).post('/v1/pos/members').set(bearer(fx.tokens.terminal)).send({ firstName: 'Ana', email: `ana-${Date.now()}@example.test`, consents: {} }).expect(201);
    const member = tokenFor(rt(), { kind: 'member', merchantId: fx.merchant.id, memberId: enrolled.body.member.id });
    const suspended = await request(rt().app).post(`/v1/operator/merchants/${fx.merchant.id}/suspend`).set(bearer(operatorToken)).expect(200);
    expect(suspended.body.suspendedAt).toEqual(expect.any(String));
    for (const token of [fx.tokens.owner, fx.tokens.cashier, fx.tokens.terminal, member]) {
      const res = await request(rt().app).get('/v1/auth/me').set(bearer(token)).expect(403);
      expect(res.body.error.code).toBe('MERCHANT_SUSPENDED');
    }
    // Another merchant carries on.
    const other = await createMerchantFixture(rt());
    await request(rt().app).get('/v1/auth/me').set(bearer(other.tokens.owner)).expect(200);
    await request(rt().app).post(`/v1/operator/merchants/${fx.merchant.id}/resume`).set(bearer(operatorToken)).expect(200);
    await request(rt().app).get('/v1/auth/me').set(bearer(fx.tokens.owner)).expect(200);
    await request(rt().app).get('/v1/auth/me').set(bearer(fx.tokens.terminal)).expect(200);
    const audit = await request(rt().app).get('/v1/audit').set(bearer(fx.tokens.owner)).query({ entity: 'merchant' }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['merchant.suspend', 'merchant.resume']));
  });

  it('refuses a suspended merchant’s staff at sign-in and its tills at the key exchange', async () => {
    const created = await request(rt().app).post('/v1/operator/merchants').set(bearer(operatorToken)).send({ name: 'Soon Suspended', currency: 'USD', timeZone: 'UTC', locale: 'en' }).expect(201);
    const { merchant, ownerSetup } = created.body;
    const owner = await request(rt().app).post('/v1/setup').send({ token: ownerSetup.token, owner: { email: 'owner@soon.test', name: 'Owner', password: 'soon owner password' } }).expect(201);
    const store = await request(rt().app).post('/v1/stores').set(bearer(owner.body.accessToken)).send({ code: 'S1', name: 'Main' }).expect(201);
    const terminal = await request(rt().app).post('/v1/terminals').set(bearer(owner.body.accessToken)).send({ storeId: store.body.id, name: 'Till' }).expect(201);
    await request(rt().app).post(`/v1/operator/merchants/${merchant.id}/suspend`).set(bearer(operatorToken)).expect(200);
    const signIn = await request(rt().app).post('/v1/auth/sign-in').send({ email: 'owner@soon.test', password: 'soon owner password' }).expect(403);
    expect(signIn.body.error.code).toBe('MERCHANT_SUSPENDED');
    const till = await request(rt().app).post('/v1/auth/terminal-token').send({ apiKey: terminal.body.apiKey }).expect(403);
    expect(till.body.error.code).toBe('MERCHANT_SUSPENDED');
    // A wrong password still gets the plain answer: suspension is told only to whoever knows the password.
    await request(rt().app).post('/v1/auth/sign-in').send({ email: 'owner@soon.test', password: 'not the password' }).expect(401);
  });

  it('refuses bad input with 400 details and writes nothing', async () => {
    const before = (await request(rt().app).get('/v1/operator/merchants').set(bearer(operatorToken)).expect(200)).body.total;
    const res = await request(rt().app).post('/v1/operator/merchants').set(bearer(operatorToken)).send({ name: '', currency: 'usd', timeZone: 'Mars/Base', locale: 'en', extra: 1 }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((await request(rt().app).get('/v1/operator/merchants').set(bearer(operatorToken)).expect(200)).body.total).toBe(before);
  });
});
