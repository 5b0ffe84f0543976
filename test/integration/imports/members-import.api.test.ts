import request from 'supertest';
import { CardAlias } from '../../../src/cards/card-alias.entity';
import { Card } from '../../../src/cards/card.entity';
import { ean13CheckDigit } from '../../../src/cards/card-number';
import { MemberConsent } from '../../../src/members/member-consent.entity';
import { Member } from '../../../src/members/member.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A Tally card number with a valid check digit. */
const tallyCard = (first12: string) => `${first12}${ean13CheckDigit(first12)}`;

const CARD = tallyCard('270000000123');

/** The previous system's export: its own header names, mapped in the request. */
const FILE = [
  'Client No,Given name,Family name,Mobile,E-mail,Born,News by email,News by SMS,Consent from,Consent date,Cards,Points',
  `C-1,Ann,Lee,081 234 5678,Ann@Example.test,1990-04-01,yes,no,portal,2023-05-06,${CARD} OLD-99887,120`,
  'C-2,Bo,,,bo@example.test,,,,,,,0',
  'C-3,Cy,,not a phone,,1990-02-31,maybe,,,,,-5',
  // The same person as C-1 by phone, in another format: matched, not created.
  ',Ann again,,+66812345678,,,,,,,,',
].join('\n');

const MAP = ['externalId=Client No', 'firstName=Given name', 'lastName=Family name', 'phone=Mobile', 'email=E-mail', 'birthDate=Born', 'marketingEmail=News by email', 'marketingSms=News by SMS', 'consentSource=Consent from', 'consentDate=Consent date', 'cardCodes=Cards', 'openingPoints=Points'];

describeEachDb('imports: members from CSV', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH', timeZone: 'Asia/Bangkok' });
    b = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH' });
  });

  const post = (f: MerchantFixture, body: string, query: Record<string, string | string[]>, token = f.tokens.owner) =>
    request(rt().app).post('/v1/imports/members').query(query).set(auth(token)).set('Content-Type', 'text/csv').send(body);

  const counts = async (merchantId: string) => ({
    members: await rt().db.manager.countBy(Member, { merchantId }),
    cards: await rt().db.manager.countBy(Card, { merchantId }),
    consents: await rt().db.manager.countBy(MemberConsent, { merchantId }),
    entries: await rt().db.manager.countBy(PointEntry, { merchantId }),
  });

  it('a dry run reports every row error with row, field and message and writes nothing', async () => {
    const before = await counts(a.merchant.id);
    const res = await post(a, FILE, { dryRun: 'true', map: MAP }).expect(200);
    expect(res.body).toMatchObject({ kind: 'members', dryRun: true, rows: 4, created: 2, existing: 1, failed: 1 });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { row: 3, field: 'birthDate', message: expect.any(String) },
        { row: 3, field: 'marketingEmail', message: 'expected yes or no' },
        { row: 3, field: 'openingPoints', message: expect.any(String) },
      ]),
    );
    expect(await counts(a.merchant.id)).toEqual(before);
  });

  it('a real run imports members with consents (source, date), cards, other barcodes and one opening-balance entry', async () => {
    const res = await post(a, FILE, { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ dryRun: false, rows: 4, created: 2, existing: 1, failed: 1 });
    const ann = await rt().db.manager.findOneByOrFail(Member, { merchantId: a.merchant.id, externalId: 'C-1' });
    expect(ann).toMatchObject({ firstName: 'Ann', lastName: 'Lee', phone: '+66812345678', email: 'ann@example.test', birthDate: '1990-04-01', enrolledBy: 'import' });
    const consents = await rt().db.manager.findBy(MemberConsent, { memberId: ann.id });
    expect(consents.map((c) => [c.kind, c.granted, c.source, c.createdAt.toISOString().slice(0, 10)]).sort()).toEqual([
      ['marketing_email', true, 'portal', '2023-05-06'],
      ['marketing_sms', false, 'portal', '2023-05-06'],
    ]);
    expect(await rt().db.manager.findBy(Card, { memberId: ann.id })).toEqual([expect.objectContaining({ number: CARD, kind: 'physical', status: 'active' })]);
    expect(await rt().db.manager.findBy(CardAlias, { memberId: ann.id })).toEqual([expect.objectContaining({ code: 'OLD-99887' })]);
    const entries = await rt().db.manager.findBy(PointEntry, { memberId: ann.id });
    expect(entries).toEqual([expect.objectContaining({ kind: 'adjust', points: 120 })]);
    const balance = await request(rt().app).get(`/v1/members/${ann.id}/points`).set(auth(a.tokens.owner)).expect(200);
    expect(balance.body).toMatchObject({ available: 120 });

    // Bo has no card in the file: a digital card, as at enrolment.
    const bo = await rt().db.manager.findOneByOrFail(Member, { merchantId: a.merchant.id, externalId: 'C-2' });
    expect(await rt().db.manager.findBy(Card, { memberId: bo.id })).toEqual([expect.objectContaining({ kind: 'digital', status: 'active' })]);

    // The old card finds its holder at the till.
    const scan = await request(rt().app).get('/v1/pos/cards/OLD-99887').set(auth(a.tokens.terminal));
    expect(scan.status).toBe(200);
    expect(scan.body.member.id).toBe(ann.id);
  });

  it('a second run adds nothing', async () => {
    const before = await counts(a.merchant.id);
    const res = await post(a, FILE, { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ created: 0, existing: 3, failed: 1 });
    expect(await counts(a.merchant.id)).toEqual(before);
  });

  it('dedupes by email and external id within one file, and refuses a card of another member', async () => {
    const file = ['externalId,firstName,email,cardCodes', 'X-1,Dee,dee@example.test,', 'X-2,Dee again,DEE@example.test,', 'X-1,Dee thrice,,', `X-3,Eve,eve@example.test,${CARD}`].join('\r\n');
    const res = await post(a, file, {}).expect(200);
    expect(res.body).toMatchObject({ rows: 4, created: 1, existing: 2, failed: 1 });
    expect(res.body.errors).toEqual([{ row: 4, field: 'cardCodes', message: `card ${CARD} already belongs to another member` }]);
  });

  it("keeps each merchant to its own members: another merchant's run matches nothing of A's", async () => {
    const res = await post(b, FILE, { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ created: 2, existing: 1, failed: 1 });
    const annA = await rt().db.manager.findOneByOrFail(Member, { merchantId: a.merchant.id, externalId: 'C-1' });
    const annB = await rt().db.manager.findOneByOrFail(Member, { merchantId: b.merchant.id, externalId: 'C-1' });
    expect(annB.id).not.toBe(annA.id);
    await request(rt().app).get(`/v1/members/${annA.id}`).set(auth(b.tokens.owner)).expect(404);
    const scan = await request(rt().app).get('/v1/pos/cards/OLD-99887').set(auth(b.tokens.terminal)).expect(200);
    expect(scan.body.member.id).toBe(annB.id);
  });

  it('bad input is a 4xx: no CSV content type, an unknown field, a mapped header missing, a cashier, an unreadable file', async () => {
    await request(rt().app).post('/v1/imports/members').set(auth(a.tokens.owner)).send({ any: 'json' }).expect(415);
    expect((await post(a, FILE, { map: 'colour=Mobile' }).expect(400)).body.error.details[0]).toMatchObject({ path: 'query.map' });
    expect((await post(a, FILE, { map: 'phone=Telephone' }).expect(400)).body.error.details[0]).toMatchObject({ path: 'map.phone' });
    await post(a, FILE, {}, a.tokens.cashier).expect(403);
    await post(a, 'firstName,phone\n"Ann,0812345678\n', {}).expect(400);
    await post(a, '', {}).expect(400);
  });
});
