import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { ProductBarcode } from '../../../src/catalogue/product-barcode.entity';
import { ProductCategory } from '../../../src/catalogue/product-category.entity';
import { ProductGroup, ProductGroupMember } from '../../../src/catalogue/product-group.entity';
import { Product } from '../../../src/catalogue/product.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A shop's product export, its own header names mapped in the request; rows 5 and 6 are wrong. */
const FILE = [
  'Article,Title,EAN,Department,Sold by,No points,Price,Mix',
  'LAG-1,Pilsner 0.5 l,4001234567890,Drinks > Alcohol > Beer,unit,,1.29,lagers',
  'CIG-20,Cigarettes 20,"4009876543210, 4009876543227",Tobacco,each,tobacco,9.00,',
  'APL-KG,Apples,,Fruit & Veg › Fruit,kg,,2.49,',
  'GIFT-25,Gift card 25,,,unit,gift card,25,',
  'BAD-1,,,,litre,perhaps,1.234,',
  ',Nameless,,,,,,',
  // A second row with a SKU seen above: the first one stands.
  'LAG-1,Pilsner again,,Drinks,unit,,1.99,',
].join('\n');

const MAP = ['sku=Article', 'name=Title', 'barcodes=EAN', 'category=Department', 'unit=Sold by', 'earningExclusion=No points', 'shelfPrice=Price', 'groups=Mix'];

describeEachDb('imports: products from CSV', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { currency: 'EUR' });
    b = await createMerchantFixture(rt(), { currency: 'EUR' });
  });

  const post = (f: MerchantFixture, body: string, query: Record<string, string | string[]>, token = f.tokens.owner) =>
    request(rt().app).post('/v1/imports/products').query(query).set(auth(token)).set('Content-Type', 'text/csv').send(body);

  const counts = async (merchantId: string) => ({
    products: await rt().db.manager.countBy(Product, { merchantId }),
    barcodes: await rt().db.manager.countBy(ProductBarcode, { merchantId }),
    categories: await rt().db.manager.countBy(ProductCategory, { merchantId }),
    groups: await rt().db.manager.countBy(ProductGroup, { merchantId }),
    members: await rt().db.manager.countBy(ProductGroupMember, { merchantId }),
  });

  it('a dry run reports what a run would create and every row error, and writes nothing', async () => {
    const before = await counts(a.merchant.id);
    const res = await post(a, FILE, { dryRun: 'true', map: MAP }).expect(200);
    expect(res.body).toMatchObject({ kind: 'products', dryRun: true, rows: 7, created: 4, existing: 1, failed: 2 });
    expect(res.body.errors).toEqual([
      { row: 5, field: 'unit', message: expect.any(String) },
      { row: 5, field: 'earningExclusion', message: expect.any(String) },
      { row: 5, field: 'shelfPrice', message: expect.any(String) },
      { row: 6, field: 'sku', message: 'required' },
    ]);
    expect(await counts(a.merchant.id)).toEqual(before);
  });

  it('imports the products with barcodes, category paths, units, exclusions, prices and groups; a second run adds nothing', async () => {
    const res = await post(a, FILE, { map: MAP }).expect(200);
    expect(res.body).toMatchObject({ kind: 'products', dryRun: false, rows: 7, created: 4, existing: 1, failed: 2 });
    const after = await counts(a.merchant.id);
    expect(after).toEqual({ products: 4, barcodes: 3, categories: 6, groups: 1, members: 1 });

    const products = (await request(rt().app).get('/v1/products').set(auth(a.tokens.manager)).expect(200)).body.items;
    const bySku = Object.fromEntries(products.map((p: { sku: string }) => [p.sku, p]));
    expect(bySku['LAG-1']).toMatchObject({ name: 'Pilsner 0.5 l', categoryPath: ['Drinks', 'Alcohol', 'Beer'], barcodes: ['4001234567890'], shelfPriceMinor: 129, groups: [{ code: 'lagers' }], source: 'import' });
    expect(bySku['CIG-20']).toMatchObject({ earningExclusion: 'tobacco', barcodes: ['4009876543210', '4009876543227'], categoryPath: ['Tobacco'], weighed: false });
    expect(bySku['APL-KG']).toMatchObject({ weighed: true, categoryPath: ['Fruit & Veg', 'Fruit'], shelfPriceMinor: 249 });
    expect(bySku['GIFT-25']).toMatchObject({ earningExclusion: 'gift_card', categoryPath: [], shelfPriceMinor: 2500 });
    // The till finds an imported product by its second barcode.
    const scanned = (await request(rt().app).get('/v1/pos/products/4009876543227').set(auth(a.tokens.terminal)).expect(200)).body;
    expect(scanned).toMatchObject({ sku: 'CIG-20', category: 'Tobacco', earnsPoints: false });

    const again = await post(a, FILE, { map: MAP }).expect(200);
    expect(again.body).toMatchObject({ created: 0, existing: 5, failed: 2 });
    expect(await counts(a.merchant.id)).toEqual(after);
    const audits = await rt().db.manager.findBy(AuditEntry, { merchantId: a.merchant.id, action: 'import.products' });
    expect(audits).toHaveLength(2);
    // Another merchant's catalogue is untouched, and its own import starts from nothing.
    expect(await counts(b.merchant.id)).toEqual({ products: 0, barcodes: 0, categories: 0, groups: 0, members: 0 });
    expect((await post(b, FILE, { map: MAP, dryRun: 'true' }).expect(200)).body).toMatchObject({ created: 4, existing: 1 });
  });

  it('refuses a barcode another product has, names the row, and goes on with the others', async () => {
    const file = ['sku,name,barcodes', 'NEW-1,Copycat,4001234567890', 'NEW-2,Fine,4000000000001'].join('\n');
    const res = await post(a, file, {}).expect(200);
    expect(res.body).toMatchObject({ created: 1, failed: 1, errors: [{ row: 1, field: 'barcodes', message: expect.stringContaining('4001234567890') }] });
  });

  it('refuses a file whose columns do not fit, another body type and a cashier, writing nothing', async () => {
    const before = await counts(a.merchant.id);
    const noSku = await post(a, 'name,price\nX,1', {}).expect(400);
    expect(noSku.body.error.details).toEqual([expect.objectContaining({ path: 'map.sku' })]);
    await post(a, FILE, { map: ['sku=Nope'] }).expect(400);
    await post(a, FILE, { map: ['colour=Title'] }).expect(400);
    await request(rt().app).post('/v1/imports/products').set(auth(a.tokens.owner)).set('Content-Type', 'application/json').send({ sku: 'X' }).expect(415);
    await post(a, FILE, { map: MAP }, a.tokens.cashier).expect(403);
    expect(await counts(a.merchant.id)).toEqual(before);
  });
});
