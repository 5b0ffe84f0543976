import type { ModuleJob } from '../module';
import { DELIVER_WEBHOOK_JOB, type WebhooksService } from './webhooks.service';

type WebhooksServices = { webhooks: WebhooksService };

/** One try of one delivery; retries are queued by the service itself, with backoff, through the outbox. */
export const deliverWebhookJob: ModuleJob<WebhooksServices, { deliveryId: string }> = {
  name: DELIVER_WEBHOOK_JOB,
  async handle(data, services) {
    await services.webhooks.deliver(data.deliveryId);
  },
};

/** Hourly: finished deliveries older than 30 days leave the log. */
export const pruneDeliveriesJob: ModuleJob<WebhooksServices> = {
  name: 'webhooks.prune-deliveries',
  schedule: '47 * * * *',
  async handle(_data, services) {
    await services.webhooks.pruneDeliveries();
  },
};

export const webhooksJobs: ModuleJob<WebhooksServices>[] = [deliverWebhookJob as ModuleJob<WebhooksServices>, pruneDeliveriesJob];
