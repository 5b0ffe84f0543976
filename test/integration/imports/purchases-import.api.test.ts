import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { PurchaseLine } from '../../../src/purchases/purchase-line.entity';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const RETAIL = '/work/shared/data/online-retail.csv.gz';

/** The first `n` lines (header included) of the shared UCI Online Retail file, read as a stream. */
async function retailHead(n: number): Promise<string> {
  const lines: string[] = [];
  const reader = createInterface({ input: createReadStream(RETAIL).pipe(createGunzip()) });
  for await (const line of reader) {
    lines.push(line);
    if (lines.length === n) break;
  }
  reader.close();
  return `${lines.join('\n')}\n`;
}

describeEachDb('imports: past purchases from CSV', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    b = await createMerchantFixture(rt(), { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' });
    for (const f of [a, b]) {
      const members = ['externalId,firstName,phone', 'C-1,Ann,+447911123456'].join('\n');
      await request(rt().app).post('/v1/imports/members').set(auth(f.tokens.owner)).set('Content-Type', 'text/csv').send(members).expect(200);
    }
  });

  const post = (f: MerchantFixture, body: string, query: Record<string, string | string[]>, token = f.tokens.owner) =>
    request(rt().app).post('/v1/imports/purchases').query(query).set(auth(token)).set('Content-Type', 'text/csv').send(body);
  const purchases = (merchantId: string) => rt().db.manager.countBy(Purchase, { merchantId });

  /** Lines of one receipt repeat its fields; a receipt without lines gives its total; the return is negative. */
  const file = () =>
    [
      'Receipt,When,Shop,Customer,Phone,Total,SKU,Category,Qty,Price',
      `R-1,2019-03-04 10:15,${a.store.code},C-1,,,A1,dairy,2,1.25`,
      `R-1,2019-03-04 10:15,${a.store.code},C-1,,,B2,bakery,0.5,3.10`,
      `R-2,2019-03-05T08:00:00Z,${a.store.name},,07911 123456,12.00,,,,`,
      `R-3,2019-03-06 09:00,${a.store.code},,,,,,,`,
      `R-4,2019-03-07 09:00,${a.store.code},C-1,,-2.50,,,,`,
      `R-5,2019-03-07 09:00,Nowhere,,,1.00,,,,`,
      `R-6,2019-03-07 09:00,${a.store.code},C-404,,1.00,,,,`,
      `R-7,2019-03-07,${a.store.code},,,1.005,,,,`,
    ].join('\n');
  const MAP = ['receiptNumber=Receipt', 'occurredAt=When', 'store=Shop', 'customerId=Customer', 'phone=Phone', 'total=Total', 'sku=SKU', 'category=Category', 'quantity=Qty', 'unitPrice=Price'];

  it('a dry run reports row errors and writes nothing', async () => {
    const before = await purchases(a.merchant.id);
    const res = await post(a, file(), { dryRun: 'true', map: MAP }).expect(200);
    expect(res.body).toMatchObject({ kind: 'purchases', dryRun: true, rows: 8, created: 3, existing: 0, failed: 4 });
    expect(res.body.errors).toEqual([
      { row: 4, field: 'total', message: 'a purchase needs a total or lines' },
      { row: 6, field: 'store', message: 'no store with this code or name: Nowhere' },
      { row: 7, field: 'customerId', message: 'no member with this customer id: import the members first' },
      { row: 8, field: 'total', message: 'expected an amount with at most 2 decimals' },
    ]);
    expect(await purchases(a.merchant.id)).toBe(before);
  });

  it('a real run records history at its own dates, in the store time zone, with lines and returns, and no points by default', async () => {
    const res = await post(a, file(), { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ created: 3, existing: 0, failed: 4 });
    const r1 = await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: 'R-1' });
    // 10:15 in London in March (GMT) is 10:15 UTC; 2 × 1.25 + 0.5 × 3.10 = 4.05.
    expect(r1).toMatchObject({ storeId: a.store.id, totalMinor: 405, pointsEarned: 0, status: 'completed' });
    expect(r1.occurredAt.toISOString()).toBe('2019-03-04T10:15:00.000Z');
    expect(r1.memberId).not.toBeNull();
    const lines = await rt().db.manager.find(PurchaseLine, { where: { purchaseId: r1.id }, order: { lineNo: 'ASC' } });
    expect(lines.map((l) => [l.sku, l.category, l.quantityMilli, l.unitPriceMinor, l.amountMinor])).toEqual([
      ['A1', 'dairy', 2000, 125, 250],
      ['B2', 'bakery', 500, 310, 155],
    ]);
    const r2 = await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: 'R-2' });
    expect(r2).toMatchObject({ memberId: r1.memberId, totalMinor: 1200 });
    expect(await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: 'R-4' })).toMatchObject({ totalMinor: -250 });
    expect(await rt().db.manager.countBy(PointEntry, { merchantId: a.merchant.id, sourceType: 'purchase' })).toBe(0);
    // The member's stats see the history.
    const profile = await request(rt().app).get(`/v1/members/${r1.memberId}`).set(auth(a.tokens.owner)).expect(200);
    expect(profile.body.stats).toMatchObject({ visits: expect.any(Number) });
  });

  it('a second run adds nothing', async () => {
    const before = await purchases(a.merchant.id);
    const res = await post(a, file(), { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ created: 0, existing: 3, failed: 4 });
    expect(await purchases(a.merchant.id)).toBe(before);
  });

  it('awards points only when asked, by the program at the purchase date', async () => {
    const res = await post(a, [`receiptNumber,occurredAt,store,customerId,total`, `P-1,2020-01-02 12:00,${a.store.code},C-1,20.00`].join('\n'), { awardPoints: 'true' }).expect(200);
    expect(res.body).toMatchObject({ created: 1 });
    const p1 = await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: 'P-1' });
    expect(p1.pointsEarned).toBeGreaterThan(0);
    expect(await rt().db.manager.countBy(PointEntry, { merchantId: a.merchant.id, sourceType: 'purchase', sourceId: p1.id })).toBe(1);
  });

  it("cross-merchant: another merchant's run matches only its own stores and members", async () => {
    const res = await post(b, [`receiptNumber,occurredAt,store,customerId,total`, `X-1,2020-01-02 12:00,${a.store.code},C-1,1.00`].join('\n'), {}).expect(200);
    expect(res.body).toMatchObject({ created: 0, failed: 1, errors: [{ row: 1, field: 'store', message: expect.stringContaining('no store') }] });
    expect(await purchases(b.merchant.id)).toBe(0);
  });

  it('bad input is a 4xx: JSON body, unknown field, missing required column, cashier', async () => {
    await request(rt().app).post('/v1/imports/purchases').set(auth(a.tokens.owner)).send({ a: 1 }).expect(415);
    await post(a, file(), { map: 'till=Shop' }).expect(400);
    expect((await post(a, 'When,Shop\n2020-01-01,S\n', {}).expect(400)).body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'map.receiptNumber' })]));
    await post(a, file(), { map: MAP }, a.tokens.cashier).expect(403);
    await post(a, file(), { map: MAP, awardPoints: 'maybe' }).expect(400);
  });

  it('imports the first 2,000 lines of the UCI Online Retail year through the same path: countries as stores, CustomerID as external id, C invoices as returns', async () => {
    const text = await retailHead(2000);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const countries = [...new Set(rows.map((r) => r.Country))];
    for (const [i, country] of countries.entries()) {
      await request(rt().app).post('/v1/stores').set(auth(a.tokens.owner)).send({ code: `UCI${i}`, name: country }).expect(201);
    }
    const customers = [...new Set(rows.map((r) => r.CustomerID).filter(Boolean))];
    const members = await request(rt().app)
      .post('/v1/imports/members')
      .set(auth(a.tokens.owner))
      .set('Content-Type', 'text/csv')
      .send(['externalId', ...customers].join('\n'))
      .expect(200);
    expect(members.body).toMatchObject({ created: customers.length, failed: 0 });

    const map = ['receiptNumber=InvoiceNo', 'sku=StockCode', 'description=Description', 'quantity=Quantity', 'occurredAt=InvoiceDate', 'unitPrice=UnitPrice', 'customerId=CustomerID', 'store=Country'];
    const invoices = new Set(rows.map((r) => r.InvoiceNo));
    const res = await post(a, text, { map }).expect(200);
    expect(res.body).toMatchObject({ rows: 1999, created: invoices.size, existing: 0, failed: 0 });

    const returns = [...invoices].filter((n) => n.startsWith('C'));
    expect(returns.length).toBeGreaterThan(0);
    for (const receiptNumber of returns) {
      expect((await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber })).totalMinor).toBeLessThan(0);
    }
    // Totals are the sums of the lines in pence: 536365 is 7 lines, £139.12.
    expect(await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: '536365' })).toMatchObject({ totalMinor: 13912 });
    expect(await rt().db.manager.countBy(PurchaseLine, { merchantId: a.merchant.id })).toBeGreaterThanOrEqual(1999);

    const again = await post(a, text, { map }).expect(200);
    expect(again.body).toMatchObject({ created: 0, existing: invoices.size, failed: 0 });
  }, 120_000);
});
