import type { JobDefinition } from '../jobs/job-definition';

/** Nightly: re-evaluates members holding a tier; downgrades those below it once their grace period is over. */
export const evaluateTiersJob: JobDefinition = {
  name: 'rules.evaluate-tiers',
  schedule: '20 2 * * *',
  async handle(_data, services) {
    await services.rules.reevaluateTiers(new Date());
  },
};

export const rulesJobs: JobDefinition[] = [evaluateTiersJob];
