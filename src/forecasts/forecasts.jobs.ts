import type { ModuleJob } from '../module';
import { RUN_JOB, type ForecastRuns } from './forecast-runs.service';

type ForecastServices = { forecastRuns: ForecastRuns };

/** One forecast run (queued by the nightly schedule or on request); a retry starts the run over. */
export const runJob: ModuleJob<ForecastServices, { runId: string }> = {
  name: RUN_JOB,
  async handle(data, services) {
    await services.forecastRuns.run(data.runId);
  },
};

/** Nightly, after the analytics run: a forecast as of today for every merchant. */
export const nightlyJob: ModuleJob<ForecastServices> = {
  name: 'forecasts.nightly',
  schedule: '40 2 * * *',
  async handle(_data, services) {
    await services.forecastRuns.requestNightly(new Date());
  },
};

export const forecastsJobs = [runJob, nightlyJob] as ModuleJob<ForecastServices>[];
