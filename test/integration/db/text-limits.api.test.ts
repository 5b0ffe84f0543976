import request from 'supertest';
import { TEXT_LIMITS } from '../../../src/db/text-limits';
import { Notification } from '../../../src/notifications/notification.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** 'é' is two bytes in UTF-8 and one character: a byte-length column would overflow. */
const text = (n: number, c = 'é') => c.repeat(n);
/** The longest email the schemas accept: 64-character local part, 254 in all. */
const longestEmail = (tag: string) => `${tag}${'a'.repeat(64 - tag.length)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
/** The longest language tag the member schema accepts (it passed validation but overflowed a 16-character column). */
const longestTag = 'abc-abcdefgh-abcdefgh';

/** Issue 15, findings 7 and 11: string limits from one place; names without control or bidi-override characters. */
describeEachDb('string fields at their maximum length, on both databases', (rt, dialect) => {
  let a: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'EUR', locale: 'en-GB' });
  });

  it('has every entity varchar column exactly as long as the migrated database column', async () => {
    // SQLite does not enforce varchar lengths; the lengths that matter are MySQL's.
    if (dialect !== 'mysql') return;
    const rows = (await rt().db.manager.query(
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_MAXIMUM_LENGTH AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'varchar'",
    )) as { t: string; c: string; n: number }[];
    const actual = new Map(rows.map((r) => [`${r.t}.${r.c}`, Number(r.n)]));
    const mismatches: string[] = [];
    for (const entity of rt().db.dataSource.entityMetadatas) {
      for (const column of entity.columns) {
        if (column.type !== 'varchar') continue;
        const key = `${entity.tableName}.${column.databaseName}`;
        if (actual.get(key) !== Number(column.length)) mismatches.push(`${key}: entity ${column.length}, database ${actual.get(key)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('stores member fields at their maximum exactly: enrol, staff update, self-service update', async () => {
    const full = { firstName: text(TEXT_LIMITS.personName), lastName: text(TEXT_LIMITS.personName, 'ß'), locale: longestTag };
    const created = await request(rt().app)
      .post('/v1/members')
      .set(auth(a.tokens.manager))
      .send({ ...full, email: longestEmail('one') })
      .expect(201);
    const id = created.body.member?.id ?? created.body.id;
    const read = async () => (await request(rt().app).get(`/v1/members/${id}`).set(auth(a.tokens.manager)).expect(200)).body.member;
    expect(await read()).toMatchObject({ ...full, email: longestEmail('one') });

    const patched = { firstName: text(TEXT_LIMITS.personName, 'ø'), lastName: text(TEXT_LIMITS.personName, 'ñ'), locale: 'xyz-abcdefgh-abcdefgh' };
    await request(rt().app).patch(`/v1/members/${id}`).set(auth(a.tokens.manager)).send({ ...patched, email: longestEmail('two') }).expect(200);
    expect(await read()).toMatchObject({ ...patched, email: longestEmail('two') });

    const member = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: id });
    const self = { firstName: text(TEXT_LIMITS.personName, 'ü'), lastName: text(TEXT_LIMITS.personName, 'å'), locale: longestTag };
    await request(rt().app).patch('/v1/me').set(auth(member)).send({ ...self, email: longestEmail('three') }).expect(200);
    expect(await read()).toMatchObject({ ...self, email: longestEmail('three') });

    const enrolled = await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: text(TEXT_LIMITS.personName), lastName: text(TEXT_LIMITS.personName), email: longestEmail('four') }).expect(201);
    expect(enrolled.body.member.firstName).toBe(text(TEXT_LIMITS.personName));
  });

  it('stores business names at their maximum, and a member of a shop with the longest name still gets a sign-in code', async () => {
    const name = text(TEXT_LIMITS.businessName);
    await request(rt().app).patch('/v1/merchant').set(auth(a.tokens.owner)).send({ name }).expect(200);
    const store = await request(rt().app).post('/v1/stores').set(auth(a.tokens.owner)).send({ code: 'LONG1', name, address: text(500) }).expect(201);
    expect(store.body).toMatchObject({ name, address: text(500) });
    const staff = await request(rt().app).post('/v1/staff').set(auth(a.tokens.owner)).send({ email: longestEmail('staff'), name, password: 'long-enough-password-1', role: 'cashier' }).expect(201);
    expect(staff.body).toMatchObject({ name, email: longestEmail('staff') });
    const terminal = await request(rt().app).post('/v1/terminals').set(auth(a.tokens.owner)).send({ storeId: a.store.id, name: text(TEXT_LIMITS.terminalName) }).expect(201);
    expect(terminal.body.terminal.name).toBe(text(TEXT_LIMITS.terminalName));

    // Before: the subject "<name> sign-in code" overflowed its column for existing members only (500 vs 202).
    await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Long', email: 'long-shop@example.test' }).expect(201);
    await request(rt().app).post(`/v1/portal/${a.merchant.id}/sign-in/code`).send({ email: 'long-shop@example.test' }).expect(202);
    const [sent] = await rt().db.manager.findBy(Notification, { merchantId: a.merchant.id, destination: 'long-shop@example.test' });
    expect(sent.subject).toBe(`${name} sign-in code`);
  });

  it.each([
    ['a NUL byte', 'Ann\u0000a'],
    ['a right-to-left override', 'Anna\u202Egnp.exe'],
    ['a bidi isolate', '\u2067Anna'],
    ['a line separator', 'Anna\u2028Smith'],
  ])('refuses %s in every name-like field', async (_what, bad) => {
    const refused = async (res: request.Test, path: string) => {
      const answer = await res;
      expect([answer.status, answer.body.error?.details?.[0]?.path]).toEqual([400, path]);
    };
    await refused(request(rt().app).post('/v1/members').set(auth(a.tokens.manager)).send({ firstName: bad, email: 'bidi@example.test' }), 'body.firstName');
    await refused(request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Ok', lastName: bad, email: 'bidi@example.test' }), 'body.lastName');
    await refused(request(rt().app).patch('/v1/merchant').set(auth(a.tokens.owner)).send({ name: bad }), 'body.name');
    await refused(request(rt().app).post('/v1/stores').set(auth(a.tokens.owner)).send({ code: 'BIDI', name: bad }), 'body.name');
    await refused(request(rt().app).post('/v1/staff').set(auth(a.tokens.owner)).send({ email: 'bidi-staff@example.test', name: bad, password: 'long-enough-password-1', role: 'cashier' }), 'body.name');
    await refused(request(rt().app).post('/v1/terminals').set(auth(a.tokens.owner)).send({ storeId: a.store.id, name: bad }), 'body.name');
  });

  it('keeps names that only look unusual: accents, scripts, apostrophes', async () => {
    for (const firstName of ["O'Brien", 'Zoë', 'محمد', 'นภา', '李']) {
      await request(rt().app).post('/v1/members').set(auth(a.tokens.manager)).send({ firstName, email: `${Buffer.from(firstName).toString('hex')}@example.test` }).expect(201);
    }
  });
});
