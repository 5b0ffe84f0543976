import type { ModuleJob } from '../module';
import type { AnalyticsScoring } from './scoring.service';
import { SCORE_JOB } from './scoring.service';

type AnalyticsServices = { analyticsScoring: AnalyticsScoring };

/** One scoring run (queued by the nightly schedule or on request); a retry starts the run over. */
export const scoreJob: ModuleJob<AnalyticsServices, { runId: string }> = {
  name: SCORE_JOB,
  async handle(data, services) {
    await services.analyticsScoring.run(data.runId);
  },
};

/** Nightly: a run as of today for every merchant (each a job of its own, so workers share them). */
export const nightlyScoringJob: ModuleJob<AnalyticsServices> = {
  name: 'analytics.nightly',
  schedule: '20 2 * * *',
  async handle(_data, services) {
    await services.analyticsScoring.requestNightly(new Date());
  },
};

export const analyticsJobs = [scoreJob, nightlyScoringJob] as ModuleJob<AnalyticsServices>[];
