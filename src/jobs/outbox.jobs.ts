import type { JobDefinition } from './job-definition';

/** Hourly, and also triggerable through the outbox: deletes outbox rows completed more than 7 days ago. */
export const outboxPruneJob: JobDefinition = {
  name: 'outbox.prune',
  schedule: '17 * * * *',
  async handle(_data, services) {
    await services.outbox.prune(new Date());
  },
};

export const outboxJobs: JobDefinition[] = [outboxPruneJob];
