import type { Hit, Limit, RateLimitsService } from './rate-limits.service';

export { rateLimited } from './rate-limits.service';
export type { Hit, Limit, RateLimitsService };
