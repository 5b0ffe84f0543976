import type { Server } from 'node:http';
import request from 'supertest';
import { Product } from '../../../src/catalogue/product.entity';
import { ProductCategory } from '../../../src/catalogue/product-category.entity';
import { startJobs, type RunningJobs } from '../../../src/jobs/start-jobs';
import { PurchaseLine } from '../../../src/purchases/purchase-line.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { eventually } from '../../support/wait';
import { claimCodeIn, closeServer, commit, enrol, listen } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * The till resolves every line through the catalogue: a line sent with no
 * category (as the web till sent them) carries its product's category, its
 * ancestors and groups, so excluded goods earn nothing at evaluate, commit
 * and receipt claims, and offers on a parent category or a group apply.
 */
describeEachDb('catalogue at the till', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    const post = async (path: string, body: object) => (await request(server).post(path).set(bearer(a.tokens.owner)).send(body).expect(201)).body;
    ids.drinks = (await post('/v1/product-categories', { name: 'Drinks' })).id;
    ids.alcohol = (await post('/v1/product-categories', { name: 'Alcohol', parentId: ids.drinks })).id;
    ids.beer = (await post('/v1/product-categories', { name: 'Beer', parentId: ids.alcohol })).id;
    ids.tobacco = (await post('/v1/product-categories', { name: 'Tobacco' })).id;
    ids.cigarettes = (await post('/v1/product-categories', { name: 'Cigarettes', parentId: ids.tobacco })).id;
    ids.bakery = (await post('/v1/product-categories', { name: 'Bakery' })).id;
    ids.lagers = (await post('/v1/product-groups', { code: 'lagers', name: 'Lagers' })).id;
    await post('/v1/products', { sku: 'LAGER', name: 'Lager 0.5 l', barcodes: ['5000000000011'], categoryId: ids.beer, groupIds: [ids.lagers], shelfPriceMinor: 150 });
    await post('/v1/products', { sku: 'CIGS', name: 'Cigarettes 20', barcodes: ['5000000000028'], categoryId: ids.cigarettes, earningExclusion: 'tobacco' });
    await post('/v1/products', { sku: 'DEPOSIT', name: 'Bottle deposit', earningExclusion: 'deposit' });
    await post('/v1/products', { sku: 'BREAD', name: 'Sourdough', barcodes: ['5000000000035'], categoryId: ids.bakery, shelfPriceMinor: 400 });
    // The program excludes alcohol and tobacco by category, as a shop would: the catalogue files beer under Alcohol.
    const program = (await request(server).get('/v1/program').set(bearer(a.tokens.owner)).expect(200)).body.rules;
    program.earning.excludedCategories = ['Alcohol', 'Tobacco'];
    await request(server).put('/v1/program').set(bearer(a.tokens.owner)).send({ rules: program }).expect(200);
  });
  afterAll(() => closeServer(server));

  // Lines as the web till sent them before: a scanned code, no category.
  const basket = [
    { sku: '5000000000011', quantity: 6000, unitPriceMinor: 150 },
    { sku: '5000000000028', quantity: 1000, unitPriceMinor: 900 },
    { sku: 'DEPOSIT', quantity: 6000, unitPriceMinor: 25 },
    { sku: '5000000000035', quantity: 1000, unitPriceMinor: 400 },
  ];
  const breadOnly = [basket[3]];
  const evaluate = (body: object) => request(server).post('/v1/pos/baskets/evaluate').set(bearer(a.tokens.terminal)).send(body).expect(200);

  it('looks a product up by barcode or SKU and finds it by name', async () => {
    const lager = (await request(server).get('/v1/pos/products/5000000000011').set(bearer(a.tokens.terminal)).expect(200)).body;
    expect(lager).toEqual({ sku: 'LAGER', name: 'Lager 0.5 l', category: 'Beer', ancestors: ['Alcohol', 'Drinks'], groups: ['lagers'], weighed: false, earnsPoints: true, shelfPriceMinor: 150 });
    expect((await request(server).get('/v1/pos/products/CIGS').set(bearer(a.tokens.cashier)).expect(200)).body).toMatchObject({ category: 'Cigarettes', earnsPoints: false });
    await request(server).get('/v1/pos/products/NOPE').set(bearer(a.tokens.terminal)).expect(404);
    const found = (await request(server).get('/v1/pos/products?q=sour').set(bearer(a.tokens.terminal)).expect(200)).body.items;
    expect(found.map((p: { sku: string }) => p.sku)).toEqual(['BREAD']);
  });

  it('excluded goods earn nothing: evaluate, commit and a receipt claim earn only on the bread', async () => {
    const ana = await enrol(server, a, 'Ana');
    const full = (await evaluate({ memberId: ana.memberId, lines: basket })).body;
    const bread = (await evaluate({ memberId: ana.memberId, lines: breadOnly })).body;
    expect(bread.pointsToEarn).toBeGreaterThan(0);
    expect(full.pointsToEarn).toBe(bread.pointsToEarn);
    expect(full.lines.map((l: { sku: string; category: string | null; points: number }) => [l.sku, l.category, l.points])).toEqual([
      ['LAGER', 'beer', 0],
      ['CIGS', 'cigarettes', 0],
      ['DEPOSIT', null, 0],
      ['BREAD', 'bakery', bread.pointsToEarn],
    ]);

    const sale = (await commit(server, a, { memberId: ana.memberId, lines: basket }).expect(201)).body;
    expect(sale.purchase.pointsEarned).toBe(bread.pointsToEarn);
    const stored = await rt().db.manager.find(PurchaseLine, { where: { purchaseId: sale.purchase.id }, order: { lineNo: 'ASC' } });
    expect(stored.map((l) => [l.sku, l.category])).toEqual([
      ['LAGER', 'beer'],
      ['CIGS', 'cigarettes'],
      ['DEPOSIT', null],
      ['BREAD', 'bakery'],
    ]);

    // An anonymous sale claimed later is priced through the catalogue too.
    const anonymous = (await commit(server, a, { lines: basket }).expect(201)).body;
    const claimed = await request(server)
      .post(`/v1/members/${ana.memberId}/receipt-claims`)
      .set(bearer(a.tokens.manager))
      .send({ storeCode: a.store.code, receiptNumber: anonymous.purchase.receiptNumber, totalMinor: anonymous.purchase.totalMinor, claimCode: claimCodeIn(anonymous.receiptText) })
      .expect(201);
    expect(claimed.body.purchase.pointsEarned).toBe(bread.pointsToEarn);
  });

  it('offers see the ancestors and groups: 10% off Drinks takes the beer, a group multi-buy takes the lagers', async () => {
    const activate = async (body: object) => {
      const id = (await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(201)).body.id as string;
      await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200);
      return id;
    };
    const drinks = await activate({ name: '10% off drinks', mechanic: { kind: 'percent_off', target: { categories: ['Drinks'] }, percent: 10 }, stacking: { class: 'combinable' } });
    const six = await activate({ name: '6 lagers for 7.00', priority: 10, mechanic: { kind: 'multi_buy', target: { groups: ['lagers'] }, quantity: 6, priceMinor: 700 }, stacking: { class: 'combinable' } });
    try {
      const priced = (await evaluate({ lines: basket })).body;
      const applied = Object.fromEntries(priced.appliedOffers.map((o: { offerId: string; discountMinor: number; lines: { lineNo: number }[] }) => [o.offerId, o]));
      // 6 × 1.50 = 9.00 → 7.00, then 10% of what the beer still costs (7.00): 0.70; nothing else is a drink.
      expect(applied[six]).toMatchObject({ discountMinor: 200, lines: [expect.objectContaining({ lineNo: 1 })] });
      expect(applied[drinks]).toMatchObject({ discountMinor: 70, lines: [expect.objectContaining({ lineNo: 1 })] });
    } finally {
      for (const id of [drinks, six]) await request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200);
    }
  });

  describe('learning from sales', () => {
    let jobs: RunningJobs;
    afterEach(() => jobs?.stop());

    it('an unknown SKU sold becomes a product with its line category, once, however often it is sold', async () => {
      const unknown = [{ sku: 'CRISPS-SALT', category: 'Snacks', description: 'Salted crisps 150 g', quantity: 1000, unitPriceMinor: 199 }];
      await commit(server, a, { lines: unknown }).expect(201);
      await commit(server, a, { lines: unknown }).expect(201);
      await commit(server, a, { lines: [{ sku: 'LAGER', quantity: 1000, unitPriceMinor: 150 }] }).expect(201);
      jobs = await startJobs(rt(), { consume: true, relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
      const learned = await eventually(async () => {
        const p = await rt().db.manager.findOneBy(Product, { merchantId: a.merchant.id, sku: 'CRISPS-SALT' });
        if (!p) throw new Error('not learned yet');
        return p;
      }, 20_000);
      expect(learned).toMatchObject({ name: 'Salted crisps 150 g', source: 'learned', weighed: false, earningExclusion: null });
      const category = await rt().db.manager.findOneByOrFail(ProductCategory, { id: learned.categoryId as string });
      expect(category).toMatchObject({ nameKey: 'snacks', parentId: null });
      // Sold again once learned: still one product; the catalogue's own products are left as they are.
      await commit(server, a, { lines: unknown }).expect(201);
      const marker = (await commit(server, a, { lines: [{ sku: 'MARKER-SKU', category: null, quantity: 1000, unitPriceMinor: 100 }] }).expect(201)).body;
      await eventually(async () => {
        if (!(await rt().db.manager.existsBy(Product, { merchantId: a.merchant.id, sku: 'MARKER-SKU' }))) throw new Error(`not learned yet: ${marker.purchase.id}`);
      }, 20_000);
      expect(await rt().db.manager.countBy(Product, { merchantId: a.merchant.id, sku: 'CRISPS-SALT' })).toBe(1);
      expect(await rt().db.manager.countBy(Product, { merchantId: a.merchant.id, sku: 'LAGER' })).toBe(1);
      expect(await rt().db.manager.countBy(ProductCategory, { merchantId: a.merchant.id, nameKey: 'snacks' })).toBe(1);
    });

    it('learning the same sales twice creates nothing more (delivery is at least once)', async () => {
      const items = [{ sku: 'TWICE-1', category: 'Snacks', description: null }, { sku: 'TWICE-2', category: 'New shelf', description: 'Olives' }];
      expect(await rt().services.catalogue.learn(a.merchant.id, items)).toBe(2);
      expect(await rt().services.catalogue.learn(a.merchant.id, items)).toBe(0);
      // Two relay rounds learning the same new SKU at once: one creates it, the other finds it made.
      const race = [{ sku: 'RACE', category: 'Race', description: null }];
      const counts = await Promise.all([rt().services.catalogue.learn(a.merchant.id, race), rt().services.catalogue.learn(a.merchant.id, race)]);
      expect(counts.sort()).toEqual([0, 1]);
      expect(await rt().db.manager.countBy(Product, { merchantId: a.merchant.id, sku: 'RACE' })).toBe(1);
    });
  });
});
