import type { Deps } from '../deps';
import { defineModule } from '../module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import { webhooksJobs } from './webhooks.jobs';
import { webhooksRoutes } from './webhooks.routes';
import { WebhooksService } from './webhooks.service';
import { webhooksSubscribers } from './webhooks.subscribers';

/** Merchants' HTTPS endpoints subscribed to events: signed deliveries, retries, the delivery log. */
export const webhooksModule = defineModule({
  name: 'webhooks',
  entities: [WebhookSubscription, WebhookDelivery],
  uses: [],
  create: (deps: Deps) => ({ webhooks: new WebhooksService(deps) }),
  routes: webhooksRoutes,
  jobs: webhooksJobs,
  subscribers: webhooksSubscribers,
});
