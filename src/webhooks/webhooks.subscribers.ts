import { EVENT_TYPES } from '../events/event-types';
import { subscriber } from '../events/subscriber';
import type { WebhooksService } from './webhooks.service';

/** Every event may be wanted by some merchant's subscription: the service picks the subscriptions that list it. */
export const webhooksSubscriber = subscriber({
  name: 'webhooks.fan-out',
  events: EVENT_TYPES,
  async handle(events, services: { webhooks: WebhooksService }) {
    await services.webhooks.fanOut(events);
  },
});

export const webhooksSubscribers = [webhooksSubscriber];
