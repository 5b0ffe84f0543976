import type { Server } from 'node:http';
import request from 'supertest';
import { closeServer, listen } from '../pos/till-helpers';
import { plausible, type OpenApiOperation } from '../../support/fuzz/bad-input';
import { changedTables, fingerprinter, WRITES_ON_REFUSAL, type Fingerprinter } from '../../support/fuzz/fingerprint';
import { createTenantWorld, openApiOperations, PRINCIPALS, type PrincipalName, type TenantWorld } from '../../support/fuzz/tenant-world';
import { describeEachDb } from '../../support/test-runtime';

type Ids = TenantWorld['ids'];

/**
 * How each route is aimed at another merchant. Every operation of the OpenAPI
 * document must have an entry (a test below fails otherwise), so a new route
 * cannot skip the tenancy check.
 *
 * - Path parameters are filled with merchant B's ids of the same name.
 * - `body`/`query` put B's ids, card numbers or receipts into the request;
 *   without `body`, the body is generated from the schema with B's ids.
 * - `expect`: the statuses allowed, for all principals or per principal
 *   (default: refused as not found, or as a role the route does not admit).
 *   A search may answer 200, but never with B's data.
 * A route aimed several ways lists several cases.
 * - `scoped`: the route names nothing another merchant owns; it is still
 *   called (GET only) and its answer scanned for B's data.
 * - `operatorRoute`: see below.
 * The platform operator is one of the principals: on every merchant route it gets 403.
 */
interface TenantCase {
  /** Names the variant in failures when a route has several. */
  label?: string;
  params?: (a: Ids, b: Ids) => Record<string, string>;
  body?: (a: Ids, b: Ids) => unknown;
  query?: (a: Ids, b: Ids) => string;
  expect?: number[] | Partial<Record<PrincipalName, number[]>>;
  scoped?: string;
  /**
   * A platform operator route: it acts on any merchant by design, so the
   * operator is not tried; every merchant principal must get 403.
   */
  operatorRoute?: true;
}

/**
 * Failures an open finding of another engineer owns: the suite stays green
 * until the fix lands; remove the entry then (the test prints entries that no
 * longer fail). Matched against the failure text.
 */
const KNOWN_FAILURES: { match: RegExp; pointer: string }[] = [];

const REFUSED = [403, 404];
const SEARCH = [200, 403];
const PUBLIC = 'public: no principal, so no tenant to cross';
const SELF = 'the principal is the scope (merchant, member or account of the token)';

export const TENANT_CASES: Record<string, TenantCase | TenantCase[]> = {
  'GET /healthz': { scoped: PUBLIC },
  'GET /readyz': { scoped: PUBLIC },
  'GET /v1/members': { query: (_a, b) => `q=${b.memberNumber}`, expect: SEARCH },
  'POST /v1/members': { body: (_a, b) => ({ firstName: 'Taken', email: 'taken@example.test', cardCode: b.unassignedCardNumber }) },
  'POST /v1/pos/members': { body: (_a, b) => ({ firstName: 'Taken', email: 'taken@example.test', cardCode: b.unassignedCardNumber }) },
  'GET /v1/pos/members': { query: (_a, b) => `number=${b.memberNumber}` },
  'GET /v1/members/{memberId}': {},
  'PATCH /v1/members/{memberId}': { body: () => ({ firstName: 'Hijacked' }) },
  'POST /v1/members/{memberId}/status': { body: () => ({ status: 'suspended', reason: 'cross-tenant' }) },
  'GET /v1/members/{memberId}/changes': {},
  'GET /v1/members/{memberId}/consents': {},
  'POST /v1/members/{memberId}/merge': { params: (a) => ({ memberId: a.otherMemberId }), body: (_a, b) => ({ intoMemberId: b.memberId }) },
  'POST /v1/portal/{merchantId}/sign-in/code': { scoped: PUBLIC },
  'POST /v1/portal/{merchantId}/sign-in/verify': { scoped: PUBLIC },
  // The shop's name and colour are public by design (its portal shows them to anyone): asked for A's own shop.
  'GET /v1/portal/{merchantId}': { scoped: PUBLIC, params: (a) => ({ merchantId: a.merchantId }) },
  'GET /v1/portal/codes/{code}': { label: 'a code no shop has', params: () => ({ code: 'ZZZZZZ' }), expect: [404] },
  'POST /v1/portal/{merchantId}/join': { scoped: PUBLIC },
  'GET /v1/portal-poster': { scoped: "the caller's merchant's own poster" },
  'GET /v1/me/program': { scoped: SELF },
  'GET /v1/me/points/expiry': { scoped: SELF },
  'GET /v1/me': { scoped: SELF },
  'PATCH /v1/me': { scoped: SELF },
  'GET /v1/me/changes': { scoped: SELF },
  'GET /v1/me/consents': { scoped: SELF },
  'PUT /v1/me/consents': { scoped: SELF },
  'GET /v1/me/export': { scoped: SELF },
  'POST /v1/me/deletion-request': { scoped: SELF },
  'GET /v1/cards/{cardId}': {},
  'POST /v1/cards/{cardId}/block': { body: () => ({ reason: 'cross-tenant' }) },
  'POST /v1/cards/{cardId}/lost': { body: () => ({ reason: 'cross-tenant' }) },
  'POST /v1/cards/{cardId}/unblock': {},
  'POST /v1/cards/{cardId}/replace': { body: () => ({ reason: 'cross-tenant' }) },
  'POST /v1/members/{memberId}/cards': { params: (a) => ({ memberId: a.otherMemberId }), body: (_a, b) => ({ cardCode: b.unassignedCardNumber }) },
  'GET /v1/cards/{cardId}/qr.png': {},
  'GET /v1/cards/{cardId}/qr.svg': {},
  'GET /v1/cards/{cardId}/barcode.png': {},
  'GET /v1/cards/{cardId}/barcode.svg': {},
  'GET /v1/me/card': { scoped: SELF },
  'GET /v1/me/card/qr.svg': { scoped: SELF },
  'GET /v1/me/card/qr.png': { scoped: SELF },
  'POST /v1/card-batches': { scoped: 'creates a batch of the caller’s merchant from a count' },
  'GET /v1/card-batches': { scoped: 'lists the caller’s merchant’s batches' },
  'GET /v1/card-batches/{batchId}/cards.csv': {},
  'GET /v1/card-batches/{batchId}/sheet.html': {},
  'POST /v1/auth/sign-in': { scoped: PUBLIC },
  'POST /v1/auth/refresh': { scoped: PUBLIC },
  'POST /v1/auth/sign-out': { scoped: PUBLIC },
  'POST /v1/auth/terminal-token': { scoped: PUBLIC },
  'POST /v1/auth/terminal-pairing': { scoped: PUBLIC },
  // B's cashier on A's till: the same answer as a wrong PIN (the PIN is never checked against B's account).
  'POST /v1/auth/cashier-sign-in': { body: (_a, b) => ({ staffId: b.userId, pin: '1234' }), expect: { terminal: [401] } },
  'GET /v1/auth/me': { scoped: SELF },
  'POST /v1/auth/password': { scoped: SELF },
  'GET /v1/setup': { scoped: PUBLIC },
  'POST /v1/setup': { scoped: PUBLIC },
  'GET /v1/merchant': { scoped: SELF },
  'PATCH /v1/merchant': { scoped: SELF },
  'GET /v1/stores': { query: (_a, b) => `q=${b.storeCode}`, expect: SEARCH },
  // Store codes are per merchant: A's first caller creates it, the later ones meet A's own copy (409).
  'POST /v1/stores': { body: (_a, b) => ({ code: b.storeCode, name: 'Same code as B' }), expect: [201, 403, 409] },
  'GET /v1/stores/{storeId}': {},
  'PATCH /v1/stores/{storeId}': { body: () => ({ name: 'Hijacked' }) },
  'GET /v1/staff': { query: (_a, b) => `q=victim-${b.userId}`, expect: SEARCH },
  'POST /v1/staff': [
    { body: (_a, b) => ({ email: `new-${b.userId}@example.test`, name: 'Cross', password: 'cross-password-123', role: 'cashier', storeIds: [b.storeId] }) },
    // B's staff email is free in A: the owner creates it, the manager then meets A's own copy.
    {
      label: "B's staff email",
      body: (_a, b) => ({ email: b.staffEmail, name: 'Same email', password: 'cross-password-123', role: 'cashier' }),
      expect: { owner: [201], manager: [409], cashier: [403], terminal: [403], member: [403] },
    },
  ],
  'PATCH /v1/staff/{userId}': { body: () => ({ active: false }) },
  'GET /v1/terminals': { query: (_a, b) => `storeId=${b.storeId}`, expect: SEARCH },
  'POST /v1/terminals': { body: (_a, b) => ({ storeId: b.storeId, name: 'Cross till' }) },
  'POST /v1/terminals/{terminalId}/revoke': {},
  'POST /v1/terminals/{terminalId}/pairing-code': {},
  'GET /v1/audit': { query: (_a, b) => `entityId=${b.memberId}`, expect: SEARCH },
  'GET /v1/pos/cards/{code}': {},
  'POST /v1/pos/baskets/evaluate': { body: (a, b) => ({ memberId: b.memberId, storeId: a.storeId, lines: [{ sku: 'X', quantity: 1000, unitPriceMinor: 100 }] }) },
  'POST /v1/pos/purchases': {
    body: (a, b) => ({ cardCode: b.cardNumber, storeId: a.storeId, receiptNumber: 'R-cross-1', occurredAt: new Date().toISOString(), lines: [{ sku: 'X', quantity: 1000, unitPriceMinor: 100 }] }),
  },
  'GET /v1/pos/purchases': [
    { label: "B's receipt number", query: (_a, b) => `receiptNumber=${b.anonymousReceiptNumber}`, expect: SEARCH },
    { label: "B's member", query: (_a, b) => `memberId=${b.memberId}`, expect: SEARCH },
  ],
  'GET /v1/pos/categories': { scoped: SELF },
  'GET /v1/pos/cashiers': { scoped: SELF },
  'GET /v1/pos/offers': { scoped: SELF },
  'POST /v1/pos/purchases/{purchaseId}/returns': { body: () => ({ lines: [{ lineNo: 1, quantity: 1000 }] }) },
  'POST /v1/pos/purchases/{purchaseId}/void': { body: () => ({ reason: 'cross-tenant' }) },
  'GET /v1/purchases': { query: (_a, b) => `memberId=${b.memberId}&storeId=${b.storeId}`, expect: SEARCH },
  'GET /v1/purchases/{purchaseId}': {},
  'GET /v1/members/{memberId}/purchases': {},
  'POST /v1/members/{memberId}/receipt-claims': {
    params: (a) => ({ memberId: a.otherMemberId }),
    body: (_a, b) => ({ storeCode: b.storeCode, receiptNumber: b.anonymousReceiptNumber, totalMinor: 250, claimCode: b.anonymousClaimCode }),
  },
  'GET /v1/me/purchases': { query: (_a, b) => `storeId=${b.storeId}`, expect: SEARCH },
  'GET /v1/me/purchases/{purchaseId}': {},
  'POST /v1/me/receipt-claims': { body: (_a, b) => ({ storeCode: b.storeCode, receiptNumber: b.anonymousReceiptNumber, totalMinor: 250, claimCode: b.anonymousClaimCode }) },
  'GET /v1/members/{memberId}/points': {},
  'GET /v1/members/{memberId}/points/expiry': {},
  'GET /v1/members/{memberId}/points/entries': {},
  'POST /v1/members/{memberId}/points/adjustments': { body: () => ({ points: 1000, reason: 'cross-tenant' }) },
  'GET /v1/me/points': { scoped: SELF },
  'GET /v1/me/points/entries': { scoped: SELF },
  'GET /v1/points/reconciliation': { scoped: SELF },
  'GET /v1/program': { scoped: SELF },
  'PUT /v1/program': { scoped: SELF },
  'GET /v1/program/versions': { scoped: SELF },
  'GET /v1/members/{memberId}/tier': {},
  'GET /v1/me/tier': { scoped: SELF },
  'GET /v1/reports/dashboard': { scoped: SELF },
  'POST /v1/operator/sign-in': { scoped: PUBLIC },
  'GET /v1/operator/merchants': { operatorRoute: true },
  'POST /v1/operator/merchants': { operatorRoute: true },
  'POST /v1/operator/merchants/{merchantId}/owner-setup': { operatorRoute: true },
  'POST /v1/operator/merchants/{merchantId}/suspend': { operatorRoute: true },
  'POST /v1/operator/merchants/{merchantId}/resume': { operatorRoute: true },
  'GET /v1/webhooks/event-types': { scoped: 'the catalogue of event types, the same for every merchant' },
  'POST /v1/webhooks/subscriptions': { scoped: 'creates a subscription of the caller’s merchant from a URL and event types' },
  'GET /v1/webhooks/subscriptions': { scoped: SELF },
  'GET /v1/webhooks/subscriptions/{subscriptionId}': {},
  'PATCH /v1/webhooks/subscriptions/{subscriptionId}': { body: () => ({ enabled: false }) },
  'DELETE /v1/webhooks/subscriptions/{subscriptionId}': {},
  'GET /v1/webhooks/subscriptions/{subscriptionId}/deliveries': {},
  'POST /v1/webhooks/subscriptions/{subscriptionId}/test': {},
  // The receipt's token is the scope (no principal is read): a token no receipt has is 404 for everyone.
  'GET /v1/receipt-feedback/{token}': { label: 'a token no receipt has', params: () => ({ token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), expect: [404] },
  'POST /v1/receipt-feedback/{token}': { label: 'a token no receipt has', params: () => ({ token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), body: () => ({ score: 5 }), expect: [404] },
  'GET /v1/me/feedback/pending': { scoped: SELF },
  'POST /v1/me/feedback': { body: (_a, b) => ({ purchaseId: b.selfPurchaseId, score: 5 }) },
  'GET /v1/feedback/settings': { scoped: SELF },
  'PUT /v1/feedback/settings': { scoped: "changes the caller's merchant's own question" },
  'GET /v1/feedback/answers': { query: (_a, b) => `storeId=${b.storeId}`, expect: SEARCH },
  'GET /v1/feedback/cases/counts': { scoped: SELF },
  'GET /v1/feedback/cases': { query: (_a, b) => `assigneeId=${b.userId}`, expect: SEARCH },
  'GET /v1/feedback/cases/{caseId}': {},
  'PATCH /v1/feedback/cases/{caseId}': { body: () => ({ status: 'in_progress' }) },
  'POST /v1/feedback/cases/{caseId}/notes': { body: () => ({ text: 'cross-tenant' }) },
  'POST /v1/feedback/cases/{caseId}/resolve': { body: () => ({ message: 'cross-tenant' }) },
  'GET /v1/feedback/reports/scores': { query: (_a, b) => `storeId=${b.storeId}`, expect: SEARCH },
  'GET /v1/feedback/reports/follow-up': { scoped: SELF },
  'GET /v1/feedback/reports/words': { query: (_a, b) => `storeId=${b.storeId}`, expect: SEARCH },
  // The caller's merchant is the scope: each export is fetched and scanned for B's data.
  'GET /v1/exports/segment-members.csv': { query: (_a, b) => `segmentId=${b.segmentId}` },
  'GET /v1/exports/{kind}.csv': ['members', 'purchases', 'points-ledger', 'feedback'].map((kind) => ({ label: kind, scoped: SELF, params: () => ({ kind }) })),
  'POST /v1/members/{memberId}/erase': {},
  'POST /v1/offers': { scoped: 'creates an offer of the caller’s merchant' },
  'GET /v1/offers': { scoped: SELF },
  'GET /v1/offers/{offerId}': {},
  'PATCH /v1/offers/{offerId}': { body: () => ({ priority: 1 }) },
  'POST /v1/offers/{offerId}/activate': {},
  'POST /v1/offers/{offerId}/pause': {},
  'POST /v1/offers/{offerId}/end': {},
  'GET /v1/offers/{offerId}/report': {},
  'POST /v1/offers/{offerId}/code-batches': { body: () => ({ count: 1 }) },
  'GET /v1/offers/{offerId}/code-batches': {},
  'GET /v1/offers/{offerId}/code-batches/{batchId}/codes.csv': {},
  'GET /v1/offers/{offerId}/code-batches/{batchId}/sheet.html': {},
  'POST /v1/offers/{offerId}/members': [{ label: 'B’s offer', body: (a) => ({ memberIds: [a.memberId] }) }, { label: 'B’s member', params: (a) => ({ offerId: a.offerId }), body: (_a, b) => ({ memberIds: [b.memberId] }), expect: [400, 403, 404] }],
  'GET /v1/me/offers': { scoped: SELF },
  'POST /v1/me/offers/{offerId}/activate': {},
  'GET /v1/me/rewards': { scoped: SELF },
  'GET /v1/pos/rewards': { scoped: SELF },
  'POST /v1/me/rewards/{offerId}/buy': {},
  'POST /v1/pos/members/{memberId}/rewards/{offerId}': [{ label: 'B’s member', params: (a, b) => ({ memberId: b.memberId, offerId: a.offerId }) }, { label: 'B’s offer' }],
  'GET /v1/offers/{offerId}/report/daily': {},
  'POST /v1/offers/simulate': { scoped: 'runs a draft over the caller’s own sales; the merchant comes from the principal (offer-insights test)' },
  'POST /v1/offers/{offerId}/simulate': {},
  'GET /v1/pos/products/{code}': { label: "B's barcode", params: (_a, b) => ({ code: b.productBarcode }), expect: [404, 403] },
  'GET /v1/pos/products': { label: "B's SKU", query: (_a, b) => `q=${encodeURIComponent(b.productSku)}`, expect: SEARCH },
  'GET /v1/products': [
    { label: "B's barcode", query: (_a, b) => `q=${encodeURIComponent(b.productBarcode)}`, expect: SEARCH },
    { label: "B's group", query: (_a, b) => `groupId=${b.groupId}`, expect: SEARCH },
    { label: "B's category", query: (_a, b) => `categoryId=${b.categoryId}` },
  ],
  'POST /v1/products': [
    { label: "filed in B's category", body: (_a, b) => ({ sku: 'CROSS-1', name: 'Cross', categoryId: b.categoryId }) },
    { label: "in B's group", body: (_a, b) => ({ sku: 'CROSS-2', name: 'Cross', groupIds: [b.groupId] }) },
  ],
  'GET /v1/products/{productId}': {},
  'PATCH /v1/products/{productId}': { body: () => ({ name: 'Hijacked' }) },
  'GET /v1/product-categories': { scoped: SELF },
  'POST /v1/product-categories': { body: (_a, b) => ({ name: 'Under B', parentId: b.categoryId }) },
  'PATCH /v1/product-categories/{categoryId}': { body: () => ({ name: 'Hijacked' }) },
  'GET /v1/product-groups': { scoped: SELF },
  'POST /v1/product-groups': { scoped: 'creates a group of the caller’s merchant; codes are per merchant' },
  'PATCH /v1/product-groups/{groupId}': { body: () => ({ name: 'Hijacked' }) },
  'POST /v1/imports/purchases': { scoped: 'imports into the caller’s merchant; stores and members are matched in it only (imports test)' },
  'POST /v1/imports/products': { scoped: 'imports into the caller’s catalogue; SKUs, barcodes, categories and groups are matched in it only (products-import test)' },
  'POST /v1/imports/members': { scoped: 'imports into the caller’s merchant; a file naming another merchant’s members matches none of them (imports test)' },
  'POST /v1/analytics/runs': { scoped: 'scores the caller’s merchant only; the merchant comes from the principal (analytics test)' },
  'GET /v1/analytics/runs': { scoped: SELF },
  'GET /v1/analytics/runs/{runId}': { label: 'a run id A does not have', params: () => ({ runId: '01900000-0000-7000-8000-000000000000' }) },
  // A has no scoring run in this world, so its managers get 404 NO_SCORES; B's scores are never reachable (the run comes from the principal's merchant).
  'GET /v1/analytics/overview': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/members': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/members.csv': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/members/{memberId}': {},
  'GET /v1/analytics/products': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/products.csv': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/pareto': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/diagnostics': { label: 'A has no scores', expect: [403, 404] },
  'GET /v1/analytics/backtest': { label: 'A has no scores', expect: [403, 404] },
  'POST /v1/imports/segment-members': { scoped: 'the segment is looked up in the caller’s merchant: another merchant’s is a 404 (campaigns test), its members match none' },
  'POST /v1/segments': { scoped: 'creates a segment of the caller’s merchant' },
  'GET /v1/segments': { scoped: SELF },
  'GET /v1/segments/{segmentId}': {},
  'POST /v1/segments/preview': { scoped: 'counts the caller’s members only; ids in the rules are filters, never read' },
  'PATCH /v1/segments/{segmentId}': { body: () => ({ name: 'Hijacked' }) },
  'POST /v1/segments/{segmentId}/refresh': {},
  'GET /v1/segments/{segmentId}/changes': {},
  'POST /v1/campaigns': { body: (_a, b) => ({ name: 'Theirs', segmentId: b.segmentId, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-31T00:00:00Z' }) },
  'GET /v1/campaigns': { scoped: SELF },
  'GET /v1/campaigns/{campaignId}': {},
  'GET /v1/campaigns/{campaignId}/estimate': {},
  'POST /v1/campaigns/{campaignId}/launch': {},
  'POST /v1/campaigns/{campaignId}/end': {},
  'GET /v1/campaigns/{campaignId}/report': {},
  'GET /v1/forecasts/calendar': { scoped: SELF },
  'PUT /v1/forecasts/calendar': { scoped: 'replaces the calendar of the caller’s merchant; the merchant comes from the principal' },
  'POST /v1/forecasts/runs': { scoped: 'forecasts the caller’s merchant only; the merchant comes from the principal (forecasts test)' },
  'GET /v1/forecasts/runs': { scoped: SELF },
  'GET /v1/forecasts/runs/{runId}': { label: 'a run id A does not have', params: () => ({ runId: '01900000-0000-7000-8000-000000000000' }) },
  // A has no forecast run in this world: its managers get 404; B's runs are never reachable (the run comes from the principal's merchant).
  'GET /v1/forecasts/series': { label: 'A has no forecast run', expect: [403, 404] },
  'GET /v1/forecasts/series.csv': { label: 'A has no forecast run', expect: [403, 404] },
  'GET /v1/forecasts/series/{key}': { label: 'A has no forecast run', params: () => ({ key: 'merchant' }), expect: [403, 404] },
};

describeEachDb('cross-tenant requests on every route', (rt, dialect) => {
  let server: Server;
  let a: TenantWorld;
  let b: TenantWorld;
  let fp: Fingerprinter;
  let ops: Awaited<ReturnType<typeof openApiOperations>>;

  beforeAll(async () => {
    server = await listen(rt());
    a = await createTenantWorld(rt(), 'ta');
    b = await createTenantWorld(rt(), 'tb');
    fp = await fingerprinter(rt().db);
    ops = await openApiOperations(rt());
  });
  afterAll(() => closeServer(server));

  it('has a tenancy case for every route of the OpenAPI document, and none for a route that is gone', () => {
    const routes = ops.map((o) => o.key).sort();
    expect(routes.filter((r) => !(r in TENANT_CASES))).toEqual([]);
    expect(Object.keys(TENANT_CASES).filter((k) => !routes.includes(k))).toEqual([]);
  });

  it("refuses merchant A's principals every route aimed at merchant B, changes nothing and shows none of B's data", async () => {
    const failures: string[] = [];
    let sent = 0;
    let before = await fp.take();
    for (const { key, method, path, op, spec } of ops.flatMap((o) => [TENANT_CASES[o.key] ?? []].flat().map((spec) => ({ ...o, spec })))) {
      if (spec.scoped && method !== 'get') continue;
      const params = { ...b.ids, code: b.ids.cardNumber, ...spec.params?.(a.ids, b.ids) };
      const url = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: keyof typeof params) => encodeURIComponent(params[name] ?? 'missing'));
      const query = spec.query?.(a.ids, b.ids);
      const schema = (op as OpenApiOperation).requestBody?.content['application/json']?.schema;
      const body = spec.body ? spec.body(a.ids, b.ids) : schema ? plausible(schema, b.ids) : undefined;
      const sentText = `${url} ${query ?? ''} ${JSON.stringify(body ?? null)}`;
      const secrets = b.secrets.filter((s) => !sentText.includes(s) && !sentText.includes(encodeURIComponent(s)));
      for (const principal of PRINCIPALS) {
        const token = a.tokens[principal];
        if (!token || (spec.operatorRoute && principal === 'operator')) continue;
        const expected = spec.operatorRoute ? [403] : spec.scoped ? [200, 403] : Array.isArray(spec.expect) ? spec.expect : (spec.expect?.[principal] ?? REFUSED);
        let req = (request(server) as unknown as Record<string, (url: string) => request.Test>)[method](query ? `${url}?${query}` : url)
          .set('Authorization', `Bearer ${token}`)
          .set('Idempotency-Key', `cross-${sent}-${dialect}`);
        if (body !== undefined) req = req.send(body as object);
        const res = await req;
        sent++;
        const where = `${key}${spec.label ? ` (${spec.label})` : ''} as A's ${principal}`;
        if (!expected.includes(res.status)) failures.push(`${where} → ${res.status} (expected ${expected.join('/')}) ${JSON.stringify(res.body).slice(0, 160)}`);
        const text = res.text ?? (Buffer.isBuffer(res.body) ? '' : JSON.stringify(res.body));
        const leaked = secrets.filter((s) => text.includes(s));
        if (leaked.length) failures.push(`${where} → ${res.status} shows B's ${leaked.join(', ')}`);
        const after = await fp.take();
        const wrote = changedTables(before, after).filter((t) => !(WRITES_ON_REFUSAL[key] ?? []).includes(t));
        if (wrote.length && !(res.status >= 200 && res.status < 300 && expected.includes(res.status))) failures.push(`${where} → ${res.status} wrote ${wrote.join(', ')}`);
        before = after;
      }
    }
    const unexpected = failures.filter((f) => !KNOWN_FAILURES.some((k) => k.match.test(f)));
    const fixed = KNOWN_FAILURES.filter((k) => !failures.some((f) => k.match.test(f)));
    process.stdout.write(`cross-tenant [${dialect}]: ${sent} requests, ${failures.length - unexpected.length} known failures\n`);
    if (fixed.length) process.stdout.write(`cross-tenant: these known failures no longer occur, remove their marks: ${fixed.map((k) => k.pointer).join('; ')}\n`);
    expect(unexpected).toEqual([]);
  }, 120_000);
});
