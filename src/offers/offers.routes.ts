import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import type { OffersService } from './offers.service';
import { CreateOfferBody, OfferList, OfferListQuery, OfferOut, OfferParams, OfferReport, UpdateOfferBody } from './offers.schemas';

/** The back office's offers (owners and managers): create, change, activate / pause / end, and what each cost. */
export function offersRoutes(api: Api<{ offers: OffersService }>): void {
  const { offers } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'offers';

  route(api, {
    method: 'post',
    path: '/v1/offers',
    summary: 'Create an offer as a draft (the definition is checked by the offer engine)',
    tag,
    access,
    body: CreateOfferBody,
    response: OfferOut,
    status: 201,
    handler: async ({ principal, body }) => offers.create(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers',
    summary: "The merchant's offers, newest first, with status, uses and cost",
    tag,
    access,
    query: OfferListQuery,
    response: OfferList,
    handler: async ({ principal, query }) => ({ items: await offers.list(principal, query) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId',
    summary: 'One offer',
    tag,
    access,
    params: OfferParams,
    response: OfferOut,
    handler: async ({ principal, params }) => offers.get(principal, params.offerId),
  });

  route(api, {
    method: 'patch',
    path: '/v1/offers/:offerId',
    summary: 'Change a draft or paused offer (pause an active one first)',
    tag,
    access,
    params: OfferParams,
    body: UpdateOfferBody,
    response: OfferOut,
    handler: async ({ principal, params, body }) => offers.update(principal, params.offerId, body),
  });

  for (const [action, summary] of [
    ['activate', 'Activate a draft or paused offer: tills apply it from now on'],
    ['pause', 'Pause an active offer: tills stop applying it'],
    ['end', 'End an offer for good'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/v1/offers/:offerId/${action}`,
      summary,
      tag,
      access,
      params: OfferParams,
      response: OfferOut,
      handler: async ({ principal, params }) => offers.transition(principal, params.offerId, action),
    });
  }

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/report',
    summary: 'What an offer did: uses, members, discount and points cost, sales of the baskets that used it',
    tag,
    access,
    params: OfferParams,
    response: OfferReport,
    handler: async ({ principal, params }) => offers.report(principal, params.offerId),
  });
}
