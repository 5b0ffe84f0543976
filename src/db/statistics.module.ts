import type { Deps } from '../deps';
import { defineModule } from '../module';
import { PlannerStatistics } from './statistics';
import { statisticsJobs } from './statistics.jobs';

/** The database planner's statistics, kept current by an hourly job. Owns no tables. */
export const statisticsModule = defineModule({
  name: 'statistics',
  entities: [],
  uses: [],
  create: (deps: Deps) => ({ statistics: new PlannerStatistics(deps) }),
  jobs: statisticsJobs,
});
