import type { JobDefinition } from '../jobs/job-definition';

/** Hourly: deletes counters whose window is over. */
export const rateLimitJobs: JobDefinition[] = [
  {
    name: 'rate-limits.prune',
    schedule: '41 * * * *',
    async handle(_data, services) {
      await services.rateLimits.prune(new Date());
    },
  },
];
