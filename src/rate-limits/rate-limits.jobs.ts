import type { ModuleJob } from '../module';
import type { RateLimitsService } from './rate-limits.service';

/** Hourly: deletes counters whose window is over. */
export const rateLimitJobs: ModuleJob<{ rateLimits: RateLimitsService }>[] = [
  {
    name: 'rate-limits.prune',
    schedule: '41 * * * *',
    async handle(_data, services) {
      await services.rateLimits.prune(new Date());
    },
  },
];
