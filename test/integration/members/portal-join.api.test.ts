import request from 'supertest';
import { MemberConsent } from '../../../src/members/member-consent.entity';
import { Member } from '../../../src/members/member.entity';
import { Merchant } from '../../../src/merchants/merchant.entity';
import { Notification } from '../../../src/notifications/notification.entity';
import { DEFAULT_RULES } from '../../../src/rules/program.schemas';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const NO_CONSENTS = { marketingEmail: false, marketingSms: false, profiling: false };

/**
 * The portal of a real shop (issue 14): its public face, joining from the
 * poster with a one-time code, the poster's short address, "how points work"
 * with the member's expiry dates, and a consent history that never calls a
 * first "no" a withdrawal.
 */
describeEachDb('member portal: the shop, joining from the poster, how points work', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH', name: 'Corner Mart' });
    b = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH', name: 'Other Mart' });
  });

  const join = (merchantId: string, body: Record<string, unknown>) => request(rt().app).post(`/v1/portal/${merchantId}/join`).send(body);
  const verify = (merchantId: string, body: Record<string, unknown>) => request(rt().app).post(`/v1/portal/${merchantId}/sign-in/verify`).send(body);

  /** The code as the shopper receives it: from the queued notification's text. */
  async function latestCode(merchantId: string, destination: string): Promise<{ code: string; template: string }> {
    const [n] = await rt().db.manager.find(Notification, { where: { merchantId, destination }, order: { createdAt: 'DESC', id: 'DESC' }, take: 1 });
    const code = /(?:code is|code to join is) (\d{6})/.exec(n?.body ?? '')?.[1];
    if (!code) throw new Error('no code sent');
    return { code, template: n.template };
  }

  it("shows the shop's name and colour to anyone, and says when an address is no shop's", async () => {
    const shop = await request(rt().app).get(`/v1/portal/${a.merchant.id}`).expect(200);
    expect(shop.body).toEqual({ id: a.merchant.id, name: 'Corner Mart', brandColor: null, locale: 'th-TH', currency: 'THB' });

    const painted = await request(rt().app).patch('/v1/merchant').set(auth(a.tokens.owner)).send({ brandColor: '#B0004E' }).expect(200);
    expect(painted.body.brandColor).toBe('#b0004e');
    expect((await request(rt().app).get(`/v1/portal/${a.merchant.id}`).expect(200)).body.brandColor).toBe('#b0004e');
    // Only owners change it, and only to a colour.
    await request(rt().app).patch('/v1/merchant').set(auth(a.tokens.manager)).send({ brandColor: '#000000' }).expect(403);
    const bad = await request(rt().app).patch('/v1/merchant').set(auth(a.tokens.owner)).send({ brandColor: 'red' }).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    // One merchant's owner paints only their own shop.
    await request(rt().app).patch('/v1/merchant').set(auth(b.tokens.owner)).send({ brandColor: '#123456' }).expect(200);
    expect((await request(rt().app).get(`/v1/portal/${a.merchant.id}`).expect(200)).body.brandColor).toBe('#b0004e');

    const unknown = await request(rt().app).get('/v1/portal/00000000-0000-7000-8000-000000000000').expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    await request(rt().app).get(`/v1/portal/${'x'.repeat(65)}`).expect(400);
  });

  it('a shopper joins from the poster: the code proves the phone, then the member exists with the consents given', async () => {
    const before = await rt().db.manager.count(Member, { where: { merchantId: a.merchant.id } });
    await join(a.merchant.id, { firstName: 'Nok', lastName: 'Joiner', phone: '081 555 0101', locale: 'th', consents: { ...NO_CONSENTS, marketingSms: true } }).expect(202, { sent: true });
    // Nobody is enrolled before the code comes back.
    expect(await rt().db.manager.count(Member, { where: { merchantId: a.merchant.id } })).toBe(before);
    const { code, template } = await latestCode(a.merchant.id, '+66815550101');
    expect(template).toBe('join-code');

    // The code is this shop's: another shop's portal does not take it.
    await verify(b.merchant.id, { phone: '0815550101', code }).expect(401);
    const signedIn = await verify(a.merchant.id, { phone: '0815550101', code }).expect(200);
    expect(signedIn.body.member).toMatchObject({ firstName: 'Nok', lastName: 'Joiner', phone: '+66815550101', locale: 'th', status: 'active' });
    const token = signedIn.body.accessToken as string;
    const me = await request(rt().app).get('/v1/me').set(auth(token)).expect(200);
    expect(me.body.cards).toHaveLength(1);
    expect(me.body.consents.marketingSms).toMatchObject({ granted: true, source: 'portal' });
    const stored = await rt().db.manager.findOneByOrFail(Member, { id: signedIn.body.member.id });
    expect(stored.enrolledBy).toBe('portal');
    // The consents are the member's own act.
    const consents = await rt().db.manager.find(MemberConsent, { where: { memberId: stored.id } });
    expect(consents.every((c) => c.actorKind === 'member' && c.actorId === stored.id)).toBe(true);
    // A first "no" is a refusal, not a withdrawal of something never given.
    const history = (await request(rt().app).get('/v1/me/consents').set(auth(token)).expect(200)).body.history as { kind: string; change: string }[];
    expect(history.map((h) => [h.kind, h.change])).toEqual([
      ['marketing_email', 'declined'],
      ['marketing_sms', 'given'],
      ['profiling', 'declined'],
    ]);
    await request(rt().app).put('/v1/me/consents').set(auth(token)).send({ marketingSms: false, marketingEmail: true }).expect(200);
    const later = (await request(rt().app).get('/v1/me/consents').set(auth(token)).expect(200)).body.history as { kind: string; change: string }[];
    expect(later.slice(3).map((h) => [h.kind, h.change]).sort()).toEqual([
      ['marketing_email', 'given'],
      ['marketing_sms', 'withdrawn'],
    ]);
    // A code works once.
    await verify(a.merchant.id, { phone: '0815550101', code }).expect(401);
  });

  it('joining with a contact that is already a member signs that member in (the answer is the same) and enrols nobody twice', async () => {
    await join(a.merchant.id, { firstName: 'Someone', phone: '0815550101', consents: NO_CONSENTS }).expect(202, { sent: true });
    const { code, template } = await latestCode(a.merchant.id, '+66815550101');
    expect(template).toBe('sign-in-code');
    const signedIn = await verify(a.merchant.id, { phone: '0815550101', code }).expect(200);
    expect(signedIn.body.member.firstName).toBe('Nok');
    expect(await rt().db.manager.count(Member, { where: { merchantId: a.merchant.id, phone: '+66815550101' } })).toBe(1);
  });

  it("gives the owner the poster's join path and short address; the short code finds the shop in any case", async () => {
    const poster = await request(rt().app).get('/v1/portal-poster').set(auth(a.tokens.manager)).expect(200);
    expect(poster.body).toMatchObject({
      shop: { id: a.merchant.id, name: 'Corner Mart' },
      portalPath: `/portal/${a.merchant.id}`,
      joinPath: `/portal/${a.merchant.id}/join`,
    });
    const code = poster.body.code as string;
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(poster.body.shortPath).toBe(`/j/${code}`);
    // The code stays the shop's.
    expect((await request(rt().app).get('/v1/portal-poster').set(auth(a.tokens.owner)).expect(200)).body.code).toBe(code);
    const other = (await request(rt().app).get('/v1/portal-poster').set(auth(b.tokens.owner)).expect(200)).body.code as string;
    expect(other).not.toBe(code);

    expect((await request(rt().app).get(`/v1/portal/codes/${code.toLowerCase()}`).expect(200)).body).toMatchObject({ id: a.merchant.id, name: 'Corner Mart' });
    await request(rt().app).get('/v1/portal/codes/ZZZZZ1').expect(404);
    await request(rt().app).get('/v1/portal/codes/a!b').expect(400);
    await request(rt().app).get('/v1/portal-poster').set(auth(a.tokens.cashier)).expect(403);
    await request(rt().app).get('/v1/portal-poster').expect(401);
  });

  it('tells the member how points work and when theirs expire; staff of another shop see none of it', async () => {
    await request(rt().app)
      .put('/v1/program')
      .set(auth(a.tokens.owner))
      .send({ rules: { ...DEFAULT_RULES, expiry: { kind: 'days', days: 30 }, earning: { ...DEFAULT_RULES.earning, categoryMultipliers: [{ category: 'produce', multiplierPercent: 200 }] } } })
      .expect(200);
    await join(a.merchant.id, { firstName: 'Pim', email: 'pim@example.test', consents: NO_CONSENTS }).expect(202);
    const signedIn = await verify(a.merchant.id, { email: 'pim@example.test', code: (await latestCode(a.merchant.id, 'pim@example.test')).code }).expect(200);
    const token = signedIn.body.accessToken as string;
    const memberId = signedIn.body.member.id as string;

    const program = await request(rt().app).get('/v1/me/program').set(auth(token)).expect(200);
    expect(program.body).toMatchObject({
      earning: { points: 1, perMinor: 100, minimumSpendMinor: 0, excludedCategories: DEFAULT_RULES.earning.excludedCategories, categoryMultipliers: [{ category: 'produce', multiplierPercent: 200 }] },
      redemption: { enabled: true, pointsPerUnit: 100, unitValueMinor: 100, minPoints: 100, step: 100 },
      expiry: { kind: 'days', days: 30 },
      pendingDays: 0,
    });
    // Promotions and SKU rules stay staff-side.
    expect(program.body.earning.skuMultipliers).toBeUndefined();
    expect(program.body.promotions).toBeUndefined();

    expect((await request(rt().app).get('/v1/me/points/expiry').set(auth(token)).expect(200)).body).toEqual({ items: [], neverExpire: 0 });
    const cardNumber = (await request(rt().app).get('/v1/me').set(auth(token)).expect(200)).body.cards[0].number as string;
    // Sales now: the program just saved is in force from now on.
    const sell = (receiptNumber: string, unitPriceMinor: number) =>
      request(rt().app)
        .post('/v1/pos/purchases')
        .set(auth(a.tokens.terminal))
        .set('Idempotency-Key', `join-${receiptNumber}`)
        .send({ cardCode: cardNumber, receiptNumber, occurredAt: new Date().toISOString(), lines: [{ sku: 'MANGO', category: 'drinks', quantity: 1000, unitPriceMinor }] })
        .expect(201);
    const from = Date.now();
    const first = await sell('PJ-1', 5000);
    const second = await sell('PJ-2', 2500);
    const day = 86_400_000;
    const expiresOf = (sale: { body: { purchase: { occurredAt: string } } }) => new Date(new Date(sale.body.purchase.occurredAt).getTime() + 30 * day).toISOString();

    const expiry = await request(rt().app).get('/v1/me/points/expiry').set(auth(token)).expect(200);
    expect(new Date(first.body.purchase.occurredAt).getTime()).toBeGreaterThanOrEqual(from);
    // One line per expiry time, soonest first (two sales in the same millisecond share one).
    const expected =
      expiresOf(first) === expiresOf(second)
        ? [{ expiresAt: expiresOf(first), points: 75, pending: 0 }]
        : [
            { expiresAt: expiresOf(first), points: 50, pending: 0 },
            { expiresAt: expiresOf(second), points: 25, pending: 0 },
          ];
    expect(expiry.body).toEqual({ items: expected, neverExpire: 0 });
    // Staff see the same schedule on the member's page; another shop's staff get 404.
    expect((await request(rt().app).get(`/v1/members/${memberId}/points/expiry`).set(auth(a.tokens.cashier)).expect(200)).body).toEqual(expiry.body);
    await request(rt().app).get(`/v1/members/${memberId}/points/expiry`).set(auth(b.tokens.owner)).expect(404);
    await request(rt().app).get('/v1/members/not-a-uuid/points/expiry').set(auth(a.tokens.owner)).expect(400);
  });

  it('refuses bad input and an unknown shop, and limits sign-ups per address (last: it uses up this address)', async () => {
    const bad = [
      { firstName: 'No consents', phone: '0815550102' },
      { firstName: 'Both', phone: '0815550102', email: 'both@example.test', consents: NO_CONSENTS },
      { firstName: 'Neither', consents: NO_CONSENTS },
      { firstName: '', phone: '0815550102', consents: NO_CONSENTS },
      { firstName: 'Extra', phone: '0815550102', consents: NO_CONSENTS, status: 'active' },
      { firstName: 'Long', email: `${'x'.repeat(250)}@example.test`, consents: NO_CONSENTS },
    ];
    for (const body of bad) expect((await join(a.merchant.id, body).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await join('00000000-0000-7000-8000-000000000000', { firstName: 'Lost', phone: '0815550102', consents: NO_CONSENTS }).expect(404);

    // Suspended shops are unknown to their portal.
    await rt().db.manager.update(Merchant, { id: b.merchant.id }, { suspendedAt: new Date() });
    try {
      await request(rt().app).get(`/v1/portal/${b.merchant.id}`).expect(404);
      await join(b.merchant.id, { firstName: 'Late', phone: '0815550102', consents: NO_CONSENTS }).expect(404);
    } finally {
      await rt().db.manager.update(Merchant, { id: b.merchant.id }, { suspendedAt: null });
    }

    // Ten sign-ups an hour from one address (a family at one phone), then 429: a script does not fill the member list.
    let status = 202;
    let sent = 0;
    for (; status === 202 && sent < 20; sent++) status = (await join(b.merchant.id, { firstName: 'Bulk', email: `bulk${sent}@example.test`, consents: NO_CONSENTS })).status;
    expect(status).toBe(429);
    expect(sent).toBeLessThanOrEqual(11);
  });
});
