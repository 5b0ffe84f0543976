import type { Deps } from '../deps';
import { defineModule } from '../module';
import { RateCounter } from './rate-counter.entity';
import { rateLimitJobs } from './rate-limits.jobs';
import { RateLimitsService } from './rate-limits.service';

/** Abuse limits counted in the database, so every api process shares them. */
export const rateLimitsModule = defineModule({
  name: 'rate-limits',
  entities: [RateCounter],
  uses: [],
  create: (deps: Deps) => ({ rateLimits: new RateLimitsService(deps) }),
  jobs: rateLimitJobs,
});
