import type { Request, Response } from 'express';
import type { Api } from '../http/api';
import { AppError, forbidden } from '../http/errors';
import { ALL_STAFF, MANAGERS, canUseStore, type Principal } from '../http/principal';
import { route, validationError } from '../http/route';
import type { Idempotent } from '../db/idempotent';
import { TillProduct, TillProductList, TillProductParams, TillProductSearchQuery, type CatalogueService } from '../catalogue';
import type { MerchantsService, StaffService } from '../merchants';
import type { Cashier, PurchasesService } from '../purchases';
import { GiveOfferBody, GivenOut, OfferParams, RewardBought, RewardList } from '../offers';
import type { TillLookupsService } from './till-lookups';
import type { TillContext, TillService } from './till.service';
import {
  BasketEvaluation,
  CardCodeParams,
  CommitPurchaseRequest,
  EvaluateBasketRequest,
  IdempotencyHeaders,
  IdempotencyKey,
  MemberLookupQuery,
  MemberSummary,
  PurchaseIdParams,
  PurchaseReceipt,
  ReturnReceipt,
  RewardParams,
  TillRewardParams,
  ReturnRequest,
  TillCashiers,
  TillCategories,
  TillOfferSet,
  TillOfferSetQuery,
  TillPurchasePage,
  TillPurchaseQuery,
  VoidReceipt,
  VoidRequest,
} from './till.schemas';

type TillServices = { catalogue: CatalogueService; till: TillService; tillLookups: TillLookupsService; purchases: PurchasesService; merchants: MerchantsService; staff: StaffService };

/**
 * The till protocol. A terminal (POS plugin) signs in with its key and is
 * bound to its store. Staff signed in to the web cashier terminal may look
 * up members and evaluate baskets for a store they work in (sending
 * `storeId`), return goods, and (managers) void sales; recording a sale needs
 * a terminal, because a receipt is unique per terminal.
 */
export function tillRoutes(api: Api<TillServices>): void {
  const { catalogue, till, purchases, tillLookups, staff } = api.services;
  const lookupAccess = { terminal: true, staff: ALL_STAFF };

  route(api, {
    method: 'post',
    path: '/v1/offers/:offerId/members',
    summary: 'Give a personal offer to members, by id or a segment’s members now (given twice is given once)',
    tag: 'offers',
    access: { staff: MANAGERS },
    params: OfferParams,
    body: GiveOfferBody,
    response: GivenOut,
    handler: async ({ principal, params, body }) => till.giveOffer(principal, params.offerId, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/rewards',
    summary: 'The rewards catalogue: coupons I can buy with points, cheapest first',
    tag: 'me',
    access: { member: true },
    response: RewardList,
    handler: async ({ principal }) => ({ items: await till.rewards(principal.merchantId) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/me/rewards/:offerId/buy',
    summary: 'Buy a reward with my points: the points are debited and the coupon lands in my wallet, together or not at all',
    tag: 'me',
    access: { member: true },
    params: RewardParams,
    response: RewardBought,
    status: 201,
    handler: async ({ principal, params }) => {
      if (principal.kind !== 'member') throw forbidden('Members only');
      return till.buyReward(principal.merchantId, principal.memberId, params.offerId);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/rewards',
    summary: 'The rewards catalogue for the till: coupons a member can buy with points, cheapest first',
    tag: 'pos',
    access: lookupAccess,
    response: RewardList,
    handler: async ({ principal }) => ({ items: await till.rewards(principal.merchantId) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/members/:memberId/rewards/:offerId',
    summary: 'A member buys a reward at the till with points: the answer’s code goes into the basket’s codes',
    tag: 'pos',
    access: lookupAccess,
    params: TillRewardParams,
    response: RewardBought,
    status: 201,
    handler: async ({ principal, params }) => till.buyReward(principal.merchantId, params.memberId, params.offerId),
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/cards/:code',
    summary: 'Scan a card: member, tier, points and offers for the till',
    tag: 'pos',
    access: lookupAccess,
    params: CardCodeParams,
    response: MemberSummary,
    handler: async ({ principal, params }) => {
      await tillLookups.count(principal);
      return till.lookupCard(principal.merchantId, params.code, principal.kind === 'terminal' ? principal.storeId : null);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/members',
    summary: 'Find a member at the till by phone or member number',
    tag: 'pos',
    access: lookupAccess,
    query: MemberLookupQuery,
    response: MemberSummary,
    handler: async ({ principal, query }) => {
      await tillLookups.count(principal);
      return till.lookupMember(principal.merchantId, query, principal.kind === 'terminal' ? principal.storeId : null);
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/baskets/evaluate',
    summary: 'Price a basket: points to earn and redeem, receipt text (writes nothing)',
    tag: 'pos',
    access: lookupAccess,
    body: EvaluateBasketRequest,
    response: BasketEvaluation,
    handler: async ({ principal, body }) => {
      // A basket with a card code answers who holds the card: it counts as a lookup.
      if (body.cardCode !== undefined) await tillLookups.count(principal);
      return till.evaluate(await tillOf(api, principal, body.storeId), body);
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/purchases',
    summary: 'Record a sale once (idempotent by Idempotency-Key and by terminal + receipt number)',
    tag: 'pos',
    access: { terminal: true },
    headers: IdempotencyHeaders,
    body: CommitPurchaseRequest,
    response: PurchaseReceipt,
    status: 201,
    handler: async ({ principal, body, req, res }) => {
      const key = idempotencyKeyOf(req);
      if (body.cardCode !== undefined) await tillLookups.count(principal);
      return answer(res, await till.commit({ ...(await tillOf(api, principal, body.storeId)), cashier: await cashierOf(api, principal) }, body, key));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/purchases',
    summary: "Find sales of the till's store for a return: by receipt number (the POS's own), member or time; newest first",
    tag: 'pos',
    access: { terminal: true },
    query: TillPurchaseQuery,
    response: TillPurchasePage,
    handler: async ({ principal, query }) => purchases.list(principal, { ...query, offset: 0 }),
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/categories',
    summary: "The merchant's categories for a basket line: those the program names and those sold before",
    tag: 'pos',
    access: lookupAccess,
    response: TillCategories,
    handler: async ({ principal }) => ({ categories: await till.categories(principal.merchantId) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/offers',
    summary: "The till's offer set for pricing offline, versioned: active offers, which may apply offline, and the pricing context; nothing new when `since` is the current version",
    tag: 'pos',
    access: { terminal: true },
    query: TillOfferSetQuery,
    response: TillOfferSet,
    handler: async ({ principal, query }) => {
      if (principal.kind !== 'terminal') throw forbidden('A till keeps the offer set of its own store');
      return till.offerSet(principal.merchantId, principal.storeId, query.since);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/products/:code',
    summary: 'A scanned barcode or typed SKU: the product with its category (and ancestors), groups and whether it earns points',
    tag: 'pos',
    access: lookupAccess,
    params: TillProductParams,
    response: TillProduct,
    handler: async ({ principal, params }) => catalogue.findForTill(principal.merchantId, params.code),
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/products',
    summary: 'Products by name (contains) or SKU (starts with), for a line without a barcode; at most 20',
    tag: 'pos',
    access: lookupAccess,
    query: TillProductSearchQuery,
    response: TillProductList,
    handler: async ({ principal, query }) => ({ items: await catalogue.searchForTill(principal.merchantId, query.q) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/pos/cashiers',
    summary: 'Staff who may sign in on this till with their PIN (active, with a PIN, working in its store)',
    tag: 'pos',
    access: { terminal: true },
    response: TillCashiers,
    handler: async ({ principal }) => {
      if (principal.kind !== 'terminal') throw forbidden('Cashiers sign in on a till');
      return { cashiers: await staff.cashiersFor(principal.merchantId, principal.storeId) };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/purchases/:purchaseId/returns',
    summary: 'Return goods by lines or by amount; reverses earned points and gives back redeemed points pro rata',
    tag: 'pos',
    access: { terminal: true, staff: ALL_STAFF },
    headers: IdempotencyHeaders,
    params: PurchaseIdParams,
    body: ReturnRequest,
    response: ReturnReceipt,
    status: 201,
    handler: async ({ principal, params, body, req, res }) => {
      const key = idempotencyKeyOf(req);
      return answer(res, await purchases.returnPurchase(principal, params.purchaseId, body, key, new Date(), await cashierOf(api, principal)));
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/purchases/:purchaseId/void',
    summary: 'Void a sale (its terminal within 24 hours, managers any time); reverses all its points',
    tag: 'pos',
    access: { terminal: true, staff: MANAGERS },
    headers: IdempotencyHeaders,
    params: PurchaseIdParams,
    body: VoidRequest,
    response: VoidReceipt,
    handler: async ({ principal, params, body, req, res }) => {
      const key = idempotencyKeyOf(req);
      return answer(res, await purchases.voidPurchase(principal, params.purchaseId, body, key, new Date(), await cashierOf(api, principal)));
    },
  });
}

/**
 * The till a request comes from. A terminal is bound to its store; staff name
 * the store and must work there.
 */
async function tillOf(api: Api<TillServices>, principal: Principal, storeId: string | undefined): Promise<TillContext> {
  if (principal.kind === 'terminal') {
    if (storeId !== undefined && storeId !== principal.storeId) throw forbidden('A terminal works for its own store only');
    return { principal, merchantId: principal.merchantId, storeId: principal.storeId, terminalId: principal.terminalId, cashier: null };
  }
  if (storeId === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Staff at the web terminal must send storeId', [{ path: 'body.storeId', message: 'required for staff' }]);
  }
  const store = await api.services.merchants.getStore(principal.merchantId, storeId);
  if (!canUseStore(principal, store.id)) throw forbidden('This store is not one of yours');
  return { principal, merchantId: principal.merchantId, storeId: store.id, terminalId: null, cashier: null };
}

/** The cashier signed in on the till with their PIN, with the name receipts print; null without one. */
async function cashierOf(api: Api<TillServices>, principal: Principal): Promise<Cashier | null> {
  if (principal.kind !== 'terminal' || !principal.cashierId) return null;
  const name = await api.services.staff.nameOf(principal.merchantId, principal.cashierId);
  return name === null ? null : { id: principal.cashierId, name };
}

/** Every write at the till needs an Idempotency-Key header: a retry with it gets the first answer. */
function idempotencyKeyOf(req: Request): string {
  const parsed = IdempotencyKey.safeParse(req.header('idempotency-key'));
  if (!parsed.success) throw validationError(parsed.error, 'headers.idempotency-key');
  return parsed.data;
}

/** A first answer goes out with the route's status; a replay as 200 with `Idempotent-Replay: true`. */
function answer<T>(res: Response, result: Idempotent<T>): T | undefined {
  if (!result.replay) return result.body;
  res.setHeader('Idempotent-Replay', 'true');
  res.status(200).json(result.body);
  return undefined;
}
