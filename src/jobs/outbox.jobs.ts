import type { ModuleJob } from '../module';
import type { OutboxService } from './outbox.service';

/** Hourly, and also triggerable through the outbox: deletes outbox rows completed more than 7 days ago. */
export const outboxPruneJob: ModuleJob<{ outbox: OutboxService }> = {
  name: 'outbox.prune',
  schedule: '17 * * * *',
  async handle(_data, services) {
    await services.outbox.prune(new Date());
  },
};

export const outboxJobs: ModuleJob<{ outbox: OutboxService }>[] = [outboxPruneJob];
