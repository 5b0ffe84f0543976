import type { ModuleJob } from '../module';
import type { PurchasesService } from './purchases.service';
import { REFRESH_MEMBER_STATS_JOB } from './stats-refresh';

/** Queued by the member-stats subscriber, once per burst of a member's purchase events (see stats-refresh.ts). */
export const refreshMemberStatsJob: ModuleJob<{ purchases: PurchasesService }, { merchantId: string; memberId: string }> = {
  name: REFRESH_MEMBER_STATS_JOB,
  async handle(data, services) {
    await services.purchases.runMemberStatsRefresh(data.merchantId, data.memberId);
  },
};

export const purchasesJobs: ModuleJob<{ purchases: PurchasesService }>[] = [refreshMemberStatsJob as ModuleJob<{ purchases: PurchasesService }>];
