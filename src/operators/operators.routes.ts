import { failedAttemptLimit } from '../auth';
import type { Api } from '../http/api';
import { route } from '../http/route';
import { merchantView, type Merchant } from '../merchants';
import type { OperatorsService, OwnerSetup } from './operators.service';
import {
  CreatedMerchantOut,
  OperatorMerchantInput,
  OperatorMerchantList,
  OperatorMerchantParams,
  OperatorMerchantOut,
  OperatorMerchantQuery,
  OperatorSessionOut,
  OperatorSignInBody,
  OwnerSetupOut,
} from './operators.schemas';

const TAG = 'operator';
const OPERATOR = { operator: true } as const;

/** The platform operator's routes: merchants as a whole, never what is inside them. */
export function operatorsRoutes(api: Api<{ operators: OperatorsService }>): void {
  const operators = api.services.operators;
  const signInLimit = failedAttemptLimit({ limit: 20, windowMinutes: 15 });

  route(api, {
    method: 'post',
    path: '/v1/operator/sign-in',
    summary: 'Platform operator sign-in with email and password',
    tag: TAG,
    access: 'public',
    before: [signInLimit],
    body: OperatorSignInBody,
    response: OperatorSessionOut,
    handler: async ({ body, req }) => {
      const s = await operators.signIn(body.email, body.password, req.ip ?? 'unknown');
      return { accessToken: s.accessToken, expiresIn: s.expiresIn, operator: { id: s.operator.id, email: s.operator.email, name: s.operator.name } };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/operator/merchants',
    summary: 'Every merchant on this Tally, oldest first',
    tag: TAG,
    access: OPERATOR,
    query: OperatorMerchantQuery,
    response: OperatorMerchantList,
    handler: async ({ query }) => {
      const page = await operators.listMerchants(query);
      return { items: page.items.map(operatorMerchantView), total: page.total };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/operator/merchants',
    summary: "Create a merchant; the answer holds the one-time link its first owner signs up with",
    tag: TAG,
    access: OPERATOR,
    body: OperatorMerchantInput,
    response: CreatedMerchantOut,
    status: 201,
    handler: async ({ principal, body }) => {
      const { merchant, ownerSetup } = await operators.createMerchant(principal, body);
      return { merchant: operatorMerchantView(merchant), ownerSetup: ownerSetupView(ownerSetup) };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/operator/merchants/:merchantId/owner-setup',
    summary: "A new one-time link for the merchant's owner to sign up (first owner, or when every owner lost access)",
    tag: TAG,
    access: OPERATOR,
    params: OperatorMerchantParams,
    response: OwnerSetupOut,
    status: 201,
    handler: async ({ params }) => ownerSetupView(await operators.ownerSetup(params.merchantId)),
  });

  for (const [action, suspended] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/v1/operator/merchants/:merchantId/${action}`,
      summary: suspended
        ? "Suspend a merchant: its staff, terminals and members are refused (MERCHANT_SUSPENDED) until resumed; nothing is deleted"
        : 'Lift a suspension',
      tag: TAG,
      access: OPERATOR,
      params: OperatorMerchantParams,
      response: OperatorMerchantOut,
      handler: async ({ principal, params }) => operatorMerchantView(await operators.setSuspended(principal, params.merchantId, suspended)),
    });
  }
}

function operatorMerchantView(m: Merchant) {
  return { ...merchantView(m), suspendedAt: m.suspendedAt ? m.suspendedAt.toISOString() : null };
}

function ownerSetupView(s: OwnerSetup) {
  return { url: s.url, token: s.token, expiresAt: s.expiresAt.toISOString() };
}
