import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { z } from 'zod';
import { CreateOfferBody } from '../offers';
import { OfferDaily, OfferDailyQuery, OfferParams, OfferSimulation, SimulateOfferBody, Weeks } from './offer-insights.schemas';
import type { OfferInsightsService } from './offer-insights.service';

/** Simulation before launch (owners and managers): a draft or a saved offer over the last weeks of sales; the report's days. */
const SimulateDraftBody = z.strictObject({ offer: CreateOfferBody, weeks: Weeks });

export function offerInsightsRoutes(api: Api<{ offerInsights: OfferInsightsService }>): void {
  const { offerInsights } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'offers';

  route(api, {
    method: 'post',
    path: '/v1/offers/simulate',
    summary: 'What a draft offer would have done over the last weeks of sales: baskets and members that qualify, discount and points cost, average baskets, per week',
    tag,
    access,
    body: SimulateDraftBody,
    response: OfferSimulation,
    handler: async ({ principal, body }) => offerInsights.simulateDraft(principal, body.offer, body.weeks),
  });

  route(api, {
    method: 'post',
    path: '/v1/offers/:offerId/simulate',
    summary: 'What a saved offer would have done over the last weeks of sales',
    tag,
    access,
    params: OfferParams,
    body: SimulateOfferBody,
    response: OfferSimulation,
    handler: async ({ principal, params, body }) => offerInsights.simulateOffer(principal, params.offerId, body.weeks),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/report/daily',
    summary: "The offer's uses, discount, points and sales of its baskets per local day",
    tag,
    access,
    params: OfferParams,
    query: OfferDailyQuery,
    response: OfferDaily,
    handler: async ({ principal, params, query }) => offerInsights.daily(principal, params.offerId, query.days),
  });
}
