import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS } from '../http/principal';
import { route } from '../http/route';
import {
  MerchantOut,
  MerchantPatch,
  NewTerminalOut,
  PairingCodeOut,
  PageQuery,
  pageSchema,
  StaffInput,
  StaffOut,
  StaffParams,
  StaffPatch,
  StoreInput,
  StoreOut,
  StoreParams,
  StorePatch,
  TerminalInput,
  TerminalOut,
  TerminalParams,
  TerminalQuery,
} from './merchants.schemas';
import { merchantView, staffView, storeView, terminalView } from './views';
import type { MerchantsService } from './merchants.service';
import type { StaffService } from './staff.service';
import type { TerminalsService } from './terminals.service';

/** The merchant, its stores, staff and terminals; all scoped to the caller's merchant. */
export function merchantsRoutes(api: Api<{ merchants: MerchantsService; staff: StaffService; terminals: TerminalsService }>): void {
  const { merchants, staff, terminals } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/merchant',
    summary: "The caller's merchant: name, currency, time zone, locale",
    tag: 'merchant',
    access: { staff: ALL_STAFF },
    response: MerchantOut,
    handler: async ({ principal }) => merchantView(await merchants.getMerchant(principal.merchantId)),
  });

  route(api, {
    method: 'patch',
    path: '/v1/merchant',
    summary: 'Change the merchant (owners)',
    tag: 'merchant',
    access: { staff: ['owner'] },
    body: MerchantPatch,
    response: MerchantOut,
    handler: async ({ principal, body }) => merchantView(await merchants.updateMerchant(principal, body)),
  });

  // --- stores ---

  route(api, {
    method: 'get',
    path: '/v1/stores',
    summary: 'Stores the caller may use, by code',
    tag: 'stores',
    access: { staff: ALL_STAFF },
    query: PageQuery,
    response: pageSchema(StoreOut),
    handler: async ({ principal, query }) => {
      const page = await merchants.listStores(principal, query);
      return { items: page.items.map(storeView), total: page.total };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/stores',
    summary: 'Open a store',
    tag: 'stores',
    access: { staff: MANAGERS },
    body: StoreInput,
    response: StoreOut,
    status: 201,
    handler: async ({ principal, body }) => storeView(await merchants.createStore(principal, body)),
  });

  route(api, {
    method: 'get',
    path: '/v1/stores/:storeId',
    summary: 'One store',
    tag: 'stores',
    access: { staff: ALL_STAFF },
    params: StoreParams,
    response: StoreOut,
    handler: async ({ principal, params }) => storeView(await merchants.getStoreFor(principal, params.storeId)),
  });

  route(api, {
    method: 'patch',
    path: '/v1/stores/:storeId',
    summary: 'Change a store (its code stays fixed: receipts carry it)',
    tag: 'stores',
    access: { staff: MANAGERS },
    params: StoreParams,
    body: StorePatch,
    response: StoreOut,
    handler: async ({ principal, params, body }) => storeView(await merchants.updateStore(principal, params.storeId, body)),
  });

  // --- staff ---

  route(api, {
    method: 'get',
    path: '/v1/staff',
    summary: 'Staff accounts of the merchant',
    tag: 'staff',
    access: { staff: MANAGERS },
    query: PageQuery,
    response: pageSchema(StaffOut),
    handler: async ({ principal, query }) => {
      const page = await staff.list(principal, query);
      return { items: page.items.map(staffView), total: page.total };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/staff',
    summary: 'Create a staff account (managers may create cashiers only)',
    tag: 'staff',
    access: { staff: MANAGERS },
    body: StaffInput,
    response: StaffOut,
    status: 201,
    handler: async ({ principal, body }) => staffView(await staff.create(principal, body)),
  });

  route(api, {
    method: 'patch',
    path: '/v1/staff/:userId',
    summary: 'Change role, stores, name or active flag, or reset the password',
    tag: 'staff',
    access: { staff: MANAGERS },
    params: StaffParams,
    body: StaffPatch,
    response: StaffOut,
    handler: async ({ principal, params, body }) => staffView(await staff.update(principal, params.userId, body)),
  });

  // --- terminals ---

  route(api, {
    method: 'get',
    path: '/v1/terminals',
    summary: 'Terminals (tills) of the stores the caller may use',
    tag: 'terminals',
    access: { staff: MANAGERS },
    query: TerminalQuery,
    response: pageSchema(TerminalOut),
    handler: async ({ principal, query }) => {
      const page = await terminals.list(principal, query);
      return { items: page.items.map(terminalView), total: page.total };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/terminals',
    summary: 'Register a till; the answer carries its API key, shown only this once',
    tag: 'terminals',
    access: { staff: MANAGERS },
    body: TerminalInput,
    response: NewTerminalOut,
    status: 201,
    handler: async ({ principal, body }) => {
      const created = await terminals.create(principal, body);
      return { terminal: terminalView(created.terminal), apiKey: created.apiKey };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/terminals/:terminalId/pairing-code',
    summary: 'Show a one-time code (and what its QR holds) that pairs a till with this terminal; the till gets a new key and the old one stops',
    tag: 'terminals',
    access: { staff: MANAGERS },
    params: TerminalParams,
    response: PairingCodeOut,
    status: 201,
    handler: async ({ principal, params }) => {
      const pairing = await terminals.pairingCode(principal, params.terminalId);
      return { terminal: terminalView(pairing.terminal), code: pairing.code, expiresAt: pairing.expiresAt.toISOString(), path: `/terminal?pair=${pairing.code}` };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/terminals/:terminalId/revoke',
    summary: 'Revoke a till: its key and tokens stop working on the next request',
    tag: 'terminals',
    access: { staff: MANAGERS },
    params: TerminalParams,
    response: TerminalOut,
    handler: async ({ principal, params }) => terminalView(await terminals.revoke(principal, params.terminalId)),
  });
}
