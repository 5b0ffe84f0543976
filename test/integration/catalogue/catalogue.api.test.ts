import type { Server } from 'node:http';
import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { Product } from '../../../src/catalogue/product.entity';
import { ProductCategory } from '../../../src/catalogue/product-category.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, listen } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The back office's catalogue: products, the category tree, groups; roles, bad input and other merchants. */
describeEachDb('catalogue API', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  const post = (f: MerchantFixture, path: string, body: unknown, role: keyof MerchantFixture['tokens'] = 'manager') => request(server).post(path).set(bearer(f.tokens[role])).send(body as object);
  const patch = (f: MerchantFixture, path: string, body: unknown) => request(server).patch(path).set(bearer(f.tokens.manager)).send(body as object);
  const get = (f: MerchantFixture, path: string, role: keyof MerchantFixture['tokens'] = 'manager') => request(server).get(path).set(bearer(f.tokens[role]));

  it('builds a category tree, files products in it and finds them by name, SKU, barcode, category (with children) and group', async () => {
    const drinks = (await post(a, '/v1/product-categories', { name: 'Drinks' }).expect(201)).body;
    const beer = (await post(a, '/v1/product-categories', { name: 'Beer', parentId: drinks.id }).expect(201)).body;
    expect(beer.path).toEqual(['Drinks', 'Beer']);
    const group = (await post(a, '/v1/product-groups', { code: 'lager-4', name: 'Any 4 lagers' }).expect(201)).body;
    const lager = (
      await post(a, '/v1/products', { sku: 'LAG-1', name: 'Pilsner Lager 0.5 l', barcodes: ['4001234567890'], categoryId: beer.id, shelfPriceMinor: 129, groupIds: [group.id] }).expect(201)
    ).body;
    expect(lager).toMatchObject({ sku: 'LAG-1', categoryPath: ['Drinks', 'Beer'], barcodes: ['4001234567890'], groups: [{ code: 'lager-4' }], weighed: false, earningExclusion: null, source: 'manual' });
    await post(a, '/v1/products', { sku: 'APL-1', name: 'Apples', weighed: true }).expect(201);

    const names = async (query: string) => (await get(a, `/v1/products?${query}`).expect(200)).body.items.map((p: { sku: string }) => p.sku);
    expect(await names('q=lager')).toEqual(['LAG-1']);
    expect(await names('q=LAG')).toEqual(['LAG-1']);
    expect(await names('q=4001234567890')).toEqual(['LAG-1']);
    expect(await names(`categoryId=${drinks.id}`)).toEqual(['LAG-1']);
    expect(await names(`groupId=${group.id}`)).toEqual(['LAG-1']);
    expect(await names('q=%25')).toEqual([]);
    // A cashier reads the catalogue but does not change it.
    await get(a, '/v1/products', 'cashier').expect(200);
    await post(a, '/v1/products', { sku: 'X', name: 'X' }, 'cashier').expect(403);

    const categories = (await get(a, '/v1/product-categories').expect(200)).body.items;
    expect(categories.map((c: { path: string[]; products: number }) => [c.path.join(' › '), c.products])).toEqual([
      ['Drinks', 0],
      ['Drinks › Beer', 1],
    ]);
    expect((await get(a, '/v1/product-groups').expect(200)).body.items).toEqual([expect.objectContaining({ code: 'lager-4', products: 1 })]);

    const changed = (await patch(a, `/v1/products/${lager.id}`, { earningExclusion: 'deposit', barcodes: [], groupIds: [] }).expect(200)).body;
    expect(changed).toMatchObject({ earningExclusion: 'deposit', barcodes: [], groups: [], categoryPath: ['Drinks', 'Beer'] });
    const audit = await rt().db.manager.findBy(AuditEntry, { merchantId: a.merchant.id, entityId: lager.id });
    expect(audit.map((e) => e.action).sort()).toEqual(['product.create', 'product.update']);
  });

  it('refuses a loop in the tree, duplicates and bad input, writing nothing', async () => {
    const food = (await post(a, '/v1/product-categories', { name: 'Food' }).expect(201)).body;
    const dairy = (await post(a, '/v1/product-categories', { name: 'Dairy', parentId: food.id }).expect(201)).body;
    const before = { products: await rt().db.manager.count(Product), categories: await rt().db.manager.count(ProductCategory) };
    const loop = await patch(a, `/v1/product-categories/${food.id}`, { parentId: dairy.id }).expect(400);
    expect(loop.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.parentId' }] });
    await patch(a, `/v1/product-categories/${food.id}`, { parentId: food.id }).expect(400);
    expect((await post(a, '/v1/product-categories', { name: ' FOOD ' }).expect(409)).body.error.code).toBe('CONFLICT');
    await post(a, '/v1/products', { sku: 'DUP', name: 'First' }).expect(201);
    await post(a, '/v1/products', { sku: 'DUP', name: 'Second' }).expect(409);
    await post(a, '/v1/products', { sku: 'BC-1', name: 'Has a barcode', barcodes: ['111'] }).expect(201);
    await post(a, '/v1/products', { sku: 'BC-2', name: 'Wants it too', barcodes: ['111'] }).expect(409);
    const bad = await post(a, '/v1/products', { sku: '', name: 'x'.repeat(201), shelfPriceMinor: -1, earningExclusion: 'beer' }).expect(400);
    expect([...new Set(bad.body.error.details.map((d: { path: string }) => d.path))].sort()).toEqual(['body.earningExclusion', 'body.name', 'body.shelfPriceMinor', 'body.sku']);
    await post(a, '/v1/product-groups', { code: 'Has Spaces', name: 'x' }).expect(400);
    expect(await rt().db.manager.count(Product)).toBe(before.products + 2);
    expect(await rt().db.manager.count(ProductCategory)).toBe(before.categories);
  });

  it("keeps merchants apart: B's categories, groups and products are not found from A", async () => {
    const theirs = (await post(b, '/v1/product-categories', { name: 'Tobacco' }).expect(201)).body;
    const theirGroup = (await post(b, '/v1/product-groups', { code: 'cigs', name: 'Cigarettes' }).expect(201)).body;
    const theirProduct = (await post(b, '/v1/products', { sku: 'CIG-1', name: 'Cigarettes' }).expect(201)).body;
    await get(a, `/v1/products/${theirProduct.id}`).expect(404);
    await patch(a, `/v1/products/${theirProduct.id}`, { name: 'Mine' }).expect(404);
    await post(a, '/v1/products', { sku: 'CIG-1', name: 'Mine', categoryId: theirs.id }).expect(404);
    await post(a, '/v1/products', { sku: 'CIG-1', name: 'Mine', groupIds: [theirGroup.id] }).expect(404);
    await patch(a, `/v1/product-categories/${theirs.id}`, { name: 'Mine' }).expect(404);
    await patch(a, `/v1/product-groups/${theirGroup.id}`, { name: 'Mine' }).expect(404);
    // The same SKU and category name are free in A: they are per merchant.
    await post(a, '/v1/products', { sku: 'CIG-1', name: 'Mine' }).expect(201);
    await post(a, '/v1/product-categories', { name: 'Tobacco' }).expect(201);
    expect((await get(a, '/v1/products?q=CIG').expect(200)).body.items.map((p: { id: string }) => p.id)).not.toContain(theirProduct.id);
  });
});
