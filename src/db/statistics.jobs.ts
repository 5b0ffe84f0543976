import type { ModuleJob } from '../module';
import type { PlannerStatistics } from './statistics';

/**
 * Hourly: the planner's statistics follow the history as it grows, so a
 * member's query keeps using the member's index at a million purchases as it
 * did at a hundred (SQLite has none until ANALYZE runs).
 */
export const refreshStatisticsJob: ModuleJob<{ statistics: PlannerStatistics }> = {
  name: 'db.refresh-statistics',
  schedule: '17 * * * *',
  async handle(_data, services) {
    await services.statistics.refresh();
  },
};

export const statisticsJobs: ModuleJob<{ statistics: PlannerStatistics }>[] = [refreshStatisticsJob];
