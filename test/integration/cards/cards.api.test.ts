import { parse } from 'csv-parse/sync';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import request from 'supertest';
import { Card } from '../../../src/cards/card.entity';
import { CardBatch } from '../../../src/cards/card-batch.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** supertest buffers binary answers only when asked to. */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describeEachDb('cards: lifecycle, till resolution, images, batches', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH' });
    b = await createMerchantFixture(rt(), { currency: 'THB', locale: 'th-TH' });
  });

  const enrol = async (f: MerchantFixture, body: Record<string, unknown>) => {
    const res = await request(rt().app).post('/v1/pos/members').set(auth(f.tokens.terminal)).send(body);
    expect(res.status).toBe(201);
    return res.body as { member: { id: string; memberNumber: string }; card: { id: string; number: string } };
  };
  const resolve = (merchantId: string, code: string) => rt().services.cards.resolveForTill(merchantId, code);

  it('resolves a scanned card to its member; each unusable card has its own error', async () => {
    const { member, card } = await enrol(a, { firstName: 'Scan', phone: '0811000001' });
    const ok = await resolve(a.merchant.id, card.number);
    expect(ok.member.id).toBe(member.id);
    expect(ok.card.id).toBe(card.id);
    // Spaces as printed under the barcode are fine.
    expect((await resolve(a.merchant.id, `${card.number.slice(0, 1)} ${card.number.slice(1, 7)} ${card.number.slice(7)}`)).member.id).toBe(member.id);

    const typo = card.number.slice(0, 12) + String((Number(card.number[12]) + 1) % 10);
    await expect(resolve(a.merchant.id, typo)).rejects.toMatchObject({ code: 'CARD_INVALID', status: 400 });
    await expect(resolve(a.merchant.id, 'hello')).rejects.toMatchObject({ code: 'CARD_INVALID' });
    await expect(resolve(a.merchant.id, '2000000000008')).rejects.toMatchObject({ code: 'CARD_NOT_FOUND', status: 404 });
    // Merchant B's terminal scanning A's card finds nothing.
    await expect(resolve(b.merchant.id, card.number)).rejects.toMatchObject({ code: 'CARD_NOT_FOUND' });
    const foreignScan = await request(rt().app).get(`/v1/pos/cards/${card.number}`).set(auth(b.tokens.terminal)).expect(404);
    expect(foreignScan.body.error.code).toBe('CARD_NOT_FOUND');
    const ownScan = await request(rt().app).get(`/v1/pos/cards/${card.number}`).set(auth(a.tokens.terminal)).expect(200);
    expect(ownScan.body.member).toMatchObject({ id: member.id, memberNumber: member.memberNumber });
    expect((await request(rt().app).get(`/v1/pos/cards/${typo}`).set(auth(a.tokens.terminal)).expect(400)).body.error.code).toBe('CARD_INVALID');

    await request(rt().app).post(`/v1/members/${member.id}/status`).set(auth(a.tokens.manager)).send({ status: 'suspended' }).expect(200);
    await expect(resolve(a.merchant.id, card.number)).rejects.toMatchObject({ code: 'MEMBER_NOT_ACTIVE', status: 423 });
  });

  it('blocks, reports lost and replaces cards; the replacement keeps the member', async () => {
    const { member, card } = await enrol(a, { firstName: 'Life', phone: '0811000002' });
    await request(rt().app).post(`/v1/cards/${card.id}/block`).set(auth(b.tokens.owner)).send({}).expect(404);
    const blocked = await request(rt().app).post(`/v1/cards/${card.id}/block`).set(auth(a.tokens.cashier)).send({ reason: 'suspicious use' }).expect(200);
    expect(blocked.body).toMatchObject({ status: 'blocked', statusReason: 'suspicious use' });
    await expect(resolve(a.merchant.id, card.number)).rejects.toMatchObject({ code: 'CARD_BLOCKED', status: 423 });
    expect((await request(rt().app).get(`/v1/pos/cards/${card.number}`).set(auth(a.tokens.terminal)).expect(423)).body.error.code).toBe('CARD_BLOCKED');

    const lost = await request(rt().app).post(`/v1/cards/${card.id}/lost`).set(auth(a.tokens.cashier)).send({ reason: 'left on the bus' }).expect(200);
    expect(lost.body.status).toBe('lost');
    await expect(resolve(a.merchant.id, card.number)).rejects.toMatchObject({ code: 'CARD_LOST', status: 423 });

    const replaced = await request(rt().app).post(`/v1/cards/${card.id}/replace`).set(auth(a.tokens.cashier)).send({ reason: 'lost' }).expect(201);
    expect(replaced.body.old).toMatchObject({ status: 'replaced', replacedById: replaced.body.card.id });
    expect(replaced.body.card).toMatchObject({ kind: 'digital', status: 'active', memberId: member.id });
    await expect(resolve(a.merchant.id, card.number)).rejects.toMatchObject({ code: 'CARD_REPLACED', details: { replacedBy: replaced.body.card.id } });
    expect((await resolve(a.merchant.id, replaced.body.card.number)).member.id).toBe(member.id);
    await request(rt().app).post(`/v1/cards/${card.id}/replace`).set(auth(a.tokens.cashier)).send({}).expect(409);

    const detail = await request(rt().app).get(`/v1/cards/${card.id}`).set(auth(a.tokens.cashier)).expect(200);
    expect(detail.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['active', 'blocked', 'lost', 'replaced']);
    await request(rt().app).get(`/v1/cards/${card.id}`).set(auth(b.tokens.owner)).expect(404);
    await request(rt().app).post(`/v1/cards/${card.id}/block`).set(auth(a.tokens.cashier)).send({ reason: 42 }).expect(400);
  });

  it('unblocks a card that turned up again (managers only)', async () => {
    const { member, card } = await enrol(a, { firstName: 'Found', phone: '0811000007' });
    await request(rt().app).post(`/v1/cards/${card.id}/lost`).set(auth(a.tokens.cashier)).send({}).expect(200);
    await request(rt().app).post(`/v1/cards/${card.id}/unblock`).set(auth(a.tokens.cashier)).expect(403);
    await request(rt().app).post(`/v1/cards/${card.id}/unblock`).set(auth(b.tokens.owner)).expect(404);
    const back = await request(rt().app).post(`/v1/cards/${card.id}/unblock`).set(auth(a.tokens.manager)).expect(200);
    expect(back.body).toMatchObject({ status: 'active', statusReason: null });
    expect((await resolve(a.merchant.id, card.number)).member.id).toBe(member.id);
    await request(rt().app).post(`/v1/cards/${card.id}/unblock`).set(auth(a.tokens.manager)).expect(409);
  });

  it('makes batches of pre-printed cards (managers), as CSV and a printable sheet, and attaches them', async () => {
    const cards = await rt().db.manager.countBy(Card, { merchantId: a.merchant.id });
    await request(rt().app).post('/v1/card-batches').set(auth(a.tokens.cashier)).send({ count: 3 }).expect(403);
    for (const body of [{ count: 5001 }, { count: 0 }, { count: 2, prefix: '12' }, { count: 2.5 }, { count: 2, extra: true }]) {
      const res = await request(rt().app).post('/v1/card-batches').set(auth(a.tokens.owner)).send(body);
      expect([body, res.status]).toEqual([body, 400]);
    }
    expect(await rt().db.manager.countBy(CardBatch, { merchantId: a.merchant.id })).toBe(0);
    expect(await rt().db.manager.countBy(Card, { merchantId: a.merchant.id })).toBe(cards);

    const batch = await request(rt().app).post('/v1/card-batches').set(auth(a.tokens.manager)).send({ count: 12, prefix: '299' }).expect(201);
    expect(batch.body).toMatchObject({ count: 12, prefix: '299' });

    const csv = await request(rt().app).get(`/v1/card-batches/${batch.body.id}/cards.csv`).set(auth(a.tokens.manager)).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(csv.text, { columns: true }) as { number: string; status: string }[];
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.number)).size).toBe(12);
    for (const r of rows) {
      expect(r.number).toMatch(/^299\d{10}$/);
      expect(r.status).toBe('unassigned');
    }

    const sheet = await request(rt().app).get(`/v1/card-batches/${batch.body.id}/sheet.html`).set(auth(a.tokens.manager)).expect(200);
    expect(sheet.headers['content-type']).toMatch(/^text\/html/);
    expect(sheet.text).toContain('@page { size: A4');
    for (const r of rows) expect(sheet.text).toContain(`<div class="number">${r.number}</div>`);
    expect(sheet.text.match(/<svg/g)).toHaveLength(12);
    await request(rt().app).get(`/v1/card-batches/${batch.body.id}/cards.csv`).set(auth(b.tokens.owner)).expect(404);
    // The sheet names the shop on every card and draws the digits once, in its own type under bars without text.
    const { name: shopName } = await rt().services.merchants.getMerchant(a.merchant.id);
    expect(sheet.text.split(`<div class="shop">${shopName}</div>`)).toHaveLength(13);
    expect(sheet.text).not.toMatch(/<svg[^>]*>(?:(?!<\/svg>)[\s\S])*<text/);

    // A pre-printed card scans as not assigned until a cashier enrols someone with it.
    await expect(resolve(a.merchant.id, rows[0].number)).rejects.toMatchObject({ code: 'CARD_NOT_ASSIGNED', status: 409 });
    const enrolled = await enrol(a, { firstName: 'Printed', phone: '0811000003', cardCode: rows[0].number });
    expect(enrolled.card).toMatchObject({ number: rows[0].number, kind: 'physical', status: 'active' });
    expect((await resolve(a.merchant.id, rows[0].number)).member.id).toBe(enrolled.member.id);

    const again = await request(rt().app).post('/v1/pos/members').set(auth(a.tokens.terminal)).send({ firstName: 'Again', phone: '0811000004', cardCode: rows[0].number });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CARD_IN_USE');
    // Another merchant cannot attach A's pre-printed card.
    const foreign = await request(rt().app).post('/v1/pos/members').set(auth(b.tokens.terminal)).send({ firstName: 'B', phone: '0811000005', cardCode: rows[1].number });
    expect(foreign.body.error.code).toBe('CARD_NOT_FOUND');

    // Staff attach a second pre-printed card to an existing member.
    const attached = await request(rt().app).post(`/v1/members/${enrolled.member.id}/cards`).set(auth(a.tokens.cashier)).send({ cardCode: rows[1].number }).expect(201);
    expect(attached.body).toMatchObject({ memberId: enrolled.member.id, status: 'active' });
    await request(rt().app).post(`/v1/members/${enrolled.member.id}/cards`).set(auth(b.tokens.cashier)).send({ cardCode: rows[2].number }).expect(404);
    // Replacing with a given pre-printed card.
    const swap = await request(rt().app).post(`/v1/cards/${attached.body.id}/replace`).set(auth(a.tokens.cashier)).send({ cardCode: rows[3].number }).expect(201);
    expect(swap.body.card).toMatchObject({ number: rows[3].number, kind: 'physical', memberId: enrolled.member.id });
  });

  it('draws a QR code an independent decoder reads back, and barcodes with the digits', async () => {
    const { member, card } = await enrol(a, { firstName: 'Image', phone: '0811000006' });
    const png = await request(rt().app).get(`/v1/cards/${card.id}/qr.png`).set(auth(a.tokens.cashier)).buffer(true).parse(binary).expect(200);
    expect(png.headers['content-type']).toBe('image/png');
    const image = PNG.sync.read(png.body as Buffer);
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(card.number);

    const svg = await request(rt().app).get(`/v1/cards/${card.id}/qr.svg`).set(auth(a.tokens.cashier)).buffer(true).parse(binary).expect(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((svg.body as Buffer).toString()).toContain(card.number);

    const bar = await request(rt().app).get(`/v1/cards/${card.id}/barcode.svg`).set(auth(a.tokens.cashier)).buffer(true).parse(binary).expect(200);
    expect((bar.body as Buffer).toString()).toMatch(new RegExp(`<svg[^>]*aria-label="Member card ${card.number}"`));
    const barPng = await request(rt().app).get(`/v1/cards/${card.id}/barcode.png`).set(auth(a.tokens.cashier)).buffer(true).parse(binary).expect(200);
    expect((barPng.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    await request(rt().app).get(`/v1/cards/${card.id}/qr.png`).set(auth(b.tokens.owner)).expect(404);

    // The member's portal shows the same card.
    const memberToken = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId: member.id });
    const mine = await request(rt().app).get('/v1/me/card').set(auth(memberToken)).expect(200);
    expect(mine.body.number).toBe(card.number);
    const myQr = await request(rt().app).get('/v1/me/card/qr.png').set(auth(memberToken)).buffer(true).parse(binary).expect(200);
    const mineImage = PNG.sync.read(myQr.body as Buffer);
    expect(jsQR(new Uint8ClampedArray(mineImage.data), mineImage.width, mineImage.height)?.data).toBe(card.number);
    await request(rt().app).get('/v1/me/card/qr.svg').set(auth(memberToken)).expect(200);
    await request(rt().app).get(`/v1/cards/${card.id}`).set(auth(memberToken)).expect(403);
  });

  it('lists the batches, newest first, so they can be printed again after a reload (managers; own merchant only)', async () => {
    const m = await createMerchantFixture(rt());
    const older = (await request(rt().app).post('/v1/card-batches').set(auth(m.tokens.owner)).send({ count: 2 }).expect(201)).body;
    const newer = (await request(rt().app).post('/v1/card-batches').set(auth(m.tokens.manager)).send({ count: 3, prefix: '27' }).expect(201)).body;
    const list = await request(rt().app).get('/v1/card-batches').set(auth(m.tokens.manager)).expect(200);
    expect(list.body).toEqual({ total: 2, items: [newer, older] });
    const page = await request(rt().app).get('/v1/card-batches?limit=1&offset=1').set(auth(m.tokens.owner)).expect(200);
    expect(page.body).toEqual({ total: 2, items: [older] });

    await request(rt().app).get('/v1/card-batches').set(auth(m.tokens.cashier)).expect(403);
    await request(rt().app).get('/v1/card-batches').expect(401);
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'limit=ten', 'merchantId=x']) {
      const res = await request(rt().app).get(`/v1/card-batches?${query}`).set(auth(m.tokens.owner));
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    // Another merchant sees only its own batches.
    const other = await createMerchantFixture(rt());
    expect((await request(rt().app).get('/v1/card-batches').set(auth(other.tokens.owner)).expect(200)).body).toEqual({ total: 0, items: [] });
  });

  it('documents the image and batch routes with their content types', async () => {
    const doc = await request(rt().app).get('/openapi.json').expect(200);
    const ok = (path: string) => doc.body.paths[path].get.responses['200'].content;
    expect(ok('/v1/cards/{cardId}/qr.png')).toHaveProperty(['image/png']);
    expect(ok('/v1/cards/{cardId}/barcode.svg')).toHaveProperty(['image/svg+xml']);
    expect(ok('/v1/card-batches/{batchId}/cards.csv')).toHaveProperty(['text/csv']);
    expect(ok('/v1/me/card/qr.svg')).toHaveProperty(['image/svg+xml']);
    expect(doc.body.paths['/v1/pos/members'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('cardCode');
  });
});
