import type { Api } from '../http/api';
import { ALL_STAFF } from '../http/principal';
import { route } from '../http/route';
import { PurchaseReceipt, PurchaseView, ReceiptClaimRequest } from '../till';
import { MemberParams, MemberPurchasesQuery, PurchaseListQuery, PurchasePage, PurchaseParams } from './purchases.schemas';
import type { PurchasesService } from './purchases.service';
import type { MembersService } from '../members';

/** Purchase history for the back office and the member portal, and receipt claims. */
export function purchasesRoutes(api: Api<{ purchases: PurchasesService; members: MembersService }>): void {
  const { purchases, members } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/purchases',
    summary: 'Purchases of the stores the caller works in, newest first',
    tag: 'purchases',
    access: { staff: ALL_STAFF },
    query: PurchaseListQuery,
    response: PurchasePage,
    handler: async ({ principal, query }) => purchases.list(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/purchases/:purchaseId',
    summary: 'One purchase with its lines and what was returned',
    tag: 'purchases',
    access: { staff: ALL_STAFF },
    params: PurchaseParams,
    response: PurchaseView,
    handler: async ({ principal, params }) => purchases.get(principal, params.purchaseId),
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/purchases',
    summary: "A member's purchases, newest first",
    tag: 'purchases',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    query: MemberPurchasesQuery,
    response: PurchasePage,
    handler: async ({ principal, params, query }) => {
      await members.get(principal.merchantId, params.memberId);
      return purchases.list(principal, { ...query, memberId: params.memberId });
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/receipt-claims',
    summary: 'Credit a forgotten receipt to a member (service desk), once, within the claim window',
    tag: 'purchases',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    body: ReceiptClaimRequest,
    response: PurchaseReceipt,
    status: 201,
    handler: async ({ principal, params, body }) => purchases.claimReceipt(principal, params.memberId, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/purchases',
    summary: 'My purchases, newest first',
    tag: 'me',
    access: { member: true },
    query: MemberPurchasesQuery,
    response: PurchasePage,
    handler: async ({ principal, query }) => purchases.list(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/purchases/:purchaseId',
    summary: 'One of my purchases',
    tag: 'me',
    access: { member: true },
    params: PurchaseParams,
    response: PurchaseView,
    handler: async ({ principal, params }) => purchases.get(principal, params.purchaseId),
  });

  route(api, {
    method: 'post',
    path: '/v1/me/receipt-claims',
    summary: 'Collect points for a receipt I forgot to scan my card for, once, within the claim window',
    tag: 'me',
    access: { member: true },
    body: ReceiptClaimRequest,
    response: PurchaseReceipt,
    status: 201,
    handler: async ({ principal, body }) => {
      if (principal.kind !== 'member') throw new Error('member route reached by another principal');
      return purchases.claimReceipt(principal, principal.memberId, body);
    },
  });
}
