import type { JobDefinition } from '../jobs/job-definition';
import { DELIVER_WEBHOOK_JOB } from './webhooks.service';

/** One try of one delivery; retries are queued by the service itself, with backoff, through the outbox. */
export const deliverWebhookJob: JobDefinition<{ deliveryId: string }> = {
  name: DELIVER_WEBHOOK_JOB,
  async handle(data, services) {
    await services.webhooks.deliver(data.deliveryId);
  },
};

/** Hourly: finished deliveries older than 30 days leave the log. */
export const pruneDeliveriesJob: JobDefinition = {
  name: 'webhooks.prune-deliveries',
  schedule: '47 * * * *',
  async handle(_data, services) {
    await services.webhooks.pruneDeliveries();
  },
};

export const webhooksJobs: JobDefinition[] = [deliverWebhookJob as JobDefinition, pruneDeliveriesJob];
