import type { ModuleJob } from '../module';
import type { RulesService } from './rules.service';

/** Nightly: re-evaluates members holding a tier; downgrades those below it once their grace period is over. */
export const evaluateTiersJob: ModuleJob<{ rules: RulesService }> = {
  name: 'rules.evaluate-tiers',
  schedule: '20 2 * * *',
  async handle(_data, services) {
    await services.rules.reevaluateTiers(new Date());
  },
};

export const rulesJobs: ModuleJob<{ rules: RulesService }>[] = [evaluateTiersJob];
