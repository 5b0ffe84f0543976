import type { JobDefinition } from './job-definition';
import { outboxJobs } from './outbox.jobs';
import { statisticsJobs } from '../db/statistics.jobs';
import { notificationJobs } from '../notifications/notifications.jobs';
import { memberJobs } from '../members/members.jobs';
import { authJobs } from '../auth/auth.jobs';
import { purchasesJobs } from '../purchases/purchases.jobs';
import { pointsJobs } from '../points/points.jobs';
import { rulesJobs } from '../rules/rules.jobs';
import { rateLimitJobs } from '../rate-limits/rate-limits.jobs';
import { eventJobs } from '../events/subscribers';
import { webhooksJobs } from '../webhooks/webhooks.jobs';

/** Every module's jobs; the worker (or the single process) consumes all of these. */
export const allJobs: JobDefinition[] = [
  ...outboxJobs,
  ...statisticsJobs,
  ...notificationJobs,
  ...memberJobs,
  ...authJobs,
  ...purchasesJobs,
  ...pointsJobs,
  ...rulesJobs,
  ...rateLimitJobs,
  ...eventJobs,
  ...webhooksJobs,
];
