import { z } from 'zod';
import { EVENT_TYPES, EVENT_VERSIONS, EventData, envelopeSchema } from '../events/event-types';
import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import type { WebhooksService } from './webhooks.service';
import {
  CreateSubscriptionBody,
  CreatedSubscriptionOut,
  DeliveryOut,
  DeliveryPage,
  DeliveryQuery,
  EventTypeList,
  SubscriptionList,
  SubscriptionOut,
  SubscriptionParams,
  UpdateSubscriptionBody,
} from './webhooks.schemas';

/** Merchants' webhook subscriptions (owners and managers), their delivery logs, and the events as OpenAPI webhooks. */
export function webhooksRoutes(api: Api<{ webhooks: WebhooksService }>): void {
  const { webhooks } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'webhooks';

  route(api, {
    method: 'get',
    path: '/v1/webhooks/event-types',
    summary: 'The events a subscription can receive, with their payload versions',
    tag,
    access,
    response: EventTypeList,
    handler: async () => ({ items: EVENT_TYPES.map((type) => ({ type, version: EVENT_VERSIONS[type], description: EventData[type].description ?? '' })) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/webhooks/subscriptions',
    summary: 'Subscribe an https endpoint to events; the answer shows the signing secret, once',
    tag,
    access,
    body: CreateSubscriptionBody,
    response: CreatedSubscriptionOut,
    status: 201,
    handler: async ({ principal, body }) => webhooks.create(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/webhooks/subscriptions',
    summary: "The merchant's webhook subscriptions",
    tag,
    access,
    response: SubscriptionList,
    handler: async ({ principal }) => ({ items: await webhooks.list(principal) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/webhooks/subscriptions/:subscriptionId',
    summary: 'One webhook subscription',
    tag,
    access,
    params: SubscriptionParams,
    response: SubscriptionOut,
    handler: async ({ principal, params }) => webhooks.get(principal, params.subscriptionId),
  });

  route(api, {
    method: 'patch',
    path: '/v1/webhooks/subscriptions/:subscriptionId',
    summary: 'Change the URL, events or description, or enable / disable a subscription',
    tag,
    access,
    params: SubscriptionParams,
    body: UpdateSubscriptionBody,
    response: SubscriptionOut,
    handler: async ({ principal, params, body }) => webhooks.update(principal, params.subscriptionId, body),
  });

  route(api, {
    method: 'delete',
    path: '/v1/webhooks/subscriptions/:subscriptionId',
    summary: 'Delete a subscription and its delivery log',
    tag,
    access,
    params: SubscriptionParams,
    status: 204,
    handler: async ({ principal, params }) => webhooks.remove(principal, params.subscriptionId),
  });

  route(api, {
    method: 'get',
    path: '/v1/webhooks/subscriptions/:subscriptionId/deliveries',
    summary: 'The delivery log of a subscription, newest first: status, tries, response code, last error',
    tag,
    access,
    params: SubscriptionParams,
    query: DeliveryQuery,
    response: DeliveryPage,
    handler: async ({ principal, params, query }) => ({ items: await webhooks.deliveries(principal, params.subscriptionId, query) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/webhooks/subscriptions/:subscriptionId/test',
    summary: 'Send a signed webhook.test event now and show how the endpoint answered',
    tag,
    access,
    params: SubscriptionParams,
    response: DeliveryOut,
    handler: async ({ principal, params }) => webhooks.testSend(principal, params.subscriptionId),
  });

  // What receivers get: one OpenAPI 3.1 webhook per event type, with its envelope and payload.
  const headers = z.object({
    'x-tally-signature': z.string().describe('sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the subscription secret>'),
    'x-tally-timestamp': z.string().describe('Unix seconds when the delivery was signed; refuse it when far from your clock'),
    'x-tally-event-id': z.string().describe('The event id: the same on every retry, de-duplicate by it'),
    'x-tally-event-type': z.string(),
    'x-tally-delivery-id': z.string(),
  });
  for (const type of EVENT_TYPES) {
    api.registry.registerWebhook({
      method: 'post',
      path: type,
      summary: EventData[type].description ?? type,
      tags: [tag],
      request: { headers, body: { content: { 'application/json': { schema: envelopeSchema(type) } } } },
      responses: { 200: { description: 'Any 2xx answer acknowledges the delivery; anything else (or no answer within 10 s) is retried' } },
    });
  }
}
