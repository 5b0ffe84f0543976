import type { JobDefinition } from '../jobs/job-definition';
import { REFRESH_MEMBER_STATS_JOB } from './purchases.service';

/** Enqueued in the transaction of every purchase, return, void and claim of a member. */
export const refreshMemberStatsJob: JobDefinition<{ merchantId: string; memberId: string }> = {
  name: REFRESH_MEMBER_STATS_JOB,
  async handle(data, services) {
    await services.purchases.refreshMemberStats(data.merchantId, data.memberId);
  },
};

export const purchasesJobs: JobDefinition[] = [refreshMemberStatsJob as JobDefinition];
