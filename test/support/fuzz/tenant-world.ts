import request from 'supertest';
import { Card } from '../../../src/cards/card.entity';
import { StaffUser } from '../../../src/merchants/staff-user.entity';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../factories';
import type { TestRuntime } from '../test-runtime';

/** The callers the generated suites try on every route. Add a principal here and every route meets it. */
export const PRINCIPALS = ['anonymous', 'owner', 'manager', 'cashier', 'terminal', 'member', 'operator'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

/**
 * One merchant with a row of every kind a route can name: the ids below are
 * what path parameters and id fields of the generated requests point at.
 * The cashier is limited to the main store; "victim" rows are not the
 * callers' own, so a request that does get through cannot disable a caller.
 */
export interface TenantWorld {
  fixture: MerchantFixture;
  tokens: Record<PrincipalName, string | null>;
  /** Real ids by the names routes use for them (memberId, cardId, …). */
  ids: {
    merchantId: string;
    storeId: string;
    otherStoreId: string;
    storeCode: string;
    memberId: string;
    otherMemberId: string;
    selfMemberId: string;
    memberNumber: string;
    cardId: string;
    cardNumber: string;
    unassignedCardNumber: string;
    batchId: string;
    purchaseId: string;
    selfPurchaseId: string;
    receiptNumber: string;
    /** A sale without a member (claimable), total 250. */
    anonymousReceiptNumber: string;
    anonymousClaimCode: string;
    userId: string;
    staffEmail: string;
    terminalId: string;
    subscriptionId: string;
    offerId: string;
    /** The anonymous sale's receipt feedback token (answered: a detractor's, so it opened a case). */
    feedbackToken: string;
    caseId: string;
    categoryId: string;
    groupId: string;
    productId: string;
    /** The product's barcode, as a till scans it. */
    productBarcode: string;
    productSku: string;
    segmentId: string;
    campaignId: string;
  };
  /** A merchant of its own for the platform operator's routes to act on (suspend, resume), so they never stop this one. */
  operatorMerchantId: string;
  /** Strings that belong to this merchant alone (ids, numbers, names, emails): none may appear in another merchant's answers. */
  secrets: string[];
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function ok(res: Promise<request.Response>, status: number): Promise<request.Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`world setup: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

export async function createTenantWorld(rt: TestRuntime, tag: string): Promise<TenantWorld> {
  const f = await createMerchantFixture(rt, { name: `Fuzz shop ${tag}` });
  const app = rt.app;
  await rt.db.manager.update(StaffUser, { id: f.cashier.id }, { storeIds: [f.store.id] });
  const otherStore = (await ok(request(app).post('/v1/stores').set(auth(f.tokens.owner)).send({ code: `X${tag.toUpperCase()}`, name: `Annex ${tag}` }), 201)).body;
  const enrol = async (firstName: string) =>
    (await ok(request(app).post('/v1/pos/members').set(auth(f.tokens.terminal)).send({ firstName, lastName: `Fz${tag}`, email: `${firstName.toLowerCase()}-${tag}@example.test` }), 201)).body;
  const self = await enrol('Self');
  const victim = await enrol('Victim');
  const other = await enrol('Other');
  const sale = (memberId: string | undefined, receiptNumber: string) =>
    ok(
      request(app)
        .post('/v1/pos/purchases')
        .set(auth(f.tokens.terminal))
        .set('Idempotency-Key', `world-${tag}-${receiptNumber}`)
        .send({ memberId, receiptNumber, occurredAt: new Date().toISOString(), lines: [{ sku: 'MILK', category: 'dairy', quantity: 1000, unitPriceMinor: 250 }] }),
      201,
    );
  const receiptNumber = `R-${tag}-1`;
  const purchase = (await sale(victim.member.id, receiptNumber)).body.purchase;
  const selfPurchase = (await sale(self.member.id, `R-${tag}-2`)).body.purchase;
  const anonymousReceiptNumber = `R-${tag}-3`;
  const anonymousSale = (await sale(undefined, anonymousReceiptNumber)).body as { receiptText: string[]; feedbackUrl: string };
  const anonymousReceiptText = anonymousSale.receiptText;
  const feedbackToken = anonymousSale.feedbackUrl.split('/f/')[1];
  await ok(request(app).post(`/v1/receipt-feedback/${feedbackToken}`).send({ score: 0, comment: `Complaint ${tag}`, email: `shopper-${tag}@example.test` }), 201);
  const caseId = (await ok(request(app).get('/v1/feedback/cases').set(auth(f.tokens.owner)), 200)).body.items[0].id as string;
  const anonymousClaimCode = /claim code (\w{4}-\w{4})/.exec(anonymousReceiptText.join('\n'))?.[1] ?? 'missing';
  const batch = (await ok(request(app).post('/v1/card-batches').set(auth(f.tokens.owner)).send({ count: 2 }), 201)).body;
  const [unassigned] = await rt.db.manager.find(Card, { where: { merchantId: f.merchant.id, batchId: batch.id } });
  const staff = (await ok(request(app).post('/v1/staff').set(auth(f.tokens.owner)).send({ email: `victim-${tag}@example.test`, name: `Victim staff ${tag}`, password: 'victim-password-123', role: 'cashier' }), 201)).body;
  const terminal = (await ok(request(app).post('/v1/terminals').set(auth(f.tokens.owner)).send({ storeId: f.store.id, name: `Victim till ${tag}` }), 201)).body.terminal;
  const operatorEmail = `operator-${tag}@platform.test`;
  await rt.services.operators.create({ email: operatorEmail, name: `Operator ${tag}`, password: 'operator-password-123' });
  const operator = (await ok(request(app).post('/v1/operator/sign-in').send({ email: operatorEmail, password: 'operator-password-123' }), 200)).body;
  const operatorMerchant = await createMerchantFixture(rt, { name: `Operated shop ${tag}` });
  const webhookUrl = `https://hooks.example.test/${tag}`;
  const subscription = (await ok(request(app).post('/v1/webhooks/subscriptions').set(auth(f.tokens.owner)).send({ url: webhookUrl, events: ['purchase.recorded'] }), 201)).body;
  const offer = (await ok(request(app).post('/v1/offers').set(auth(f.tokens.owner)).send({ name: `Offer ${tag}`, mechanic: { kind: 'percent_off', percent: 10 } }), 201)).body;
  const category = (await ok(request(app).post('/v1/product-categories').set(auth(f.tokens.owner)).send({ name: `Beer ${tag}` }), 201)).body;
  const group = (await ok(request(app).post('/v1/product-groups').set(auth(f.tokens.owner)).send({ code: `lager-${tag.toLowerCase()}`, name: `Lagers ${tag}` }), 201)).body;
  const productBarcode = `40${tag.toUpperCase()}0001`;
  const product = (
    await ok(
      request(app).post('/v1/products').set(auth(f.tokens.owner)).send({ sku: `LAGER-${tag}`, name: `Lager ${tag}`, barcodes: [productBarcode], categoryId: category.id, groupIds: [group.id] }),
      201,
    )
  ).body;
  const segment = (await ok(request(app).post('/v1/segments').set(auth(f.tokens.owner)).send({ name: `Segment ${tag}` }), 201)).body;
  const campaign = (
    await ok(
      request(app).post('/v1/campaigns').set(auth(f.tokens.owner)).send({ name: `Campaign ${tag}`, segmentId: segment.id, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-31T00:00:00Z' }),
      201,
    )
  ).body;
  const ids = {
    merchantId: f.merchant.id,
    storeId: f.store.id,
    otherStoreId: otherStore.id,
    storeCode: f.store.code,
    memberId: victim.member.id,
    otherMemberId: other.member.id,
    selfMemberId: self.member.id,
    memberNumber: victim.member.memberNumber,
    cardId: victim.card.id,
    cardNumber: victim.card.number,
    unassignedCardNumber: unassigned.number,
    batchId: batch.id,
    purchaseId: purchase.id,
    selfPurchaseId: selfPurchase.id,
    receiptNumber,
    anonymousReceiptNumber,
    anonymousClaimCode,
    userId: staff.id,
    staffEmail: staff.email,
    terminalId: terminal.id,
    subscriptionId: subscription.id,
    offerId: offer.id,
    feedbackToken,
    caseId,
    categoryId: category.id,
    groupId: group.id,
    productId: product.id,
    productBarcode,
    productSku: product.sku,
    segmentId: segment.id,
    campaignId: campaign.id,
  };
  const secrets = [
    ...Object.values(ids),
    self.member.memberNumber,
    other.member.memberNumber,
    self.card.number,
    other.card.number,
    f.merchant.name,
    f.owner.email,
    f.manager.email,
    f.cashier.email,
    `Fz${tag}`,
    `victim-${tag}@example.test`,
    `Annex ${tag}`,
    webhookUrl,
    `Complaint ${tag}`,
    `shopper-${tag}@example.test`,
  ];
  return {
    fixture: f,
    tokens: {
      anonymous: null,
      owner: f.tokens.owner,
      manager: f.tokens.manager,
      cashier: f.tokens.cashier,
      terminal: f.tokens.terminal,
      member: tokenFor(rt, { kind: 'member', merchantId: f.merchant.id, memberId: self.member.id }),
      operator: operator.accessToken as string,
    },
    operatorMerchantId: operatorMerchant.merchant.id,
    ids,
    secrets,
  };
}

/** The operations of the served OpenAPI document, as "METHOD /path" with the operation. */
export async function openApiOperations(rt: TestRuntime): Promise<{ key: string; method: string; path: string; op: Record<string, unknown> }[]> {
  const doc = (await request(rt.app).get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })));
}
