import type { ModuleJob } from '../module';
import type { SegmentsService } from './segments.service';

type SegmentsServices = { segments: SegmentsService };

/** Nightly, after the scoring run (02:20): every rules segment made what its rules select with the new scores. */
export const nightlySegmentsJob: ModuleJob<SegmentsServices> = {
  name: 'segments.nightly',
  schedule: '50 3 * * *',
  async handle(_data, services) {
    const now = new Date();
    for (const merchantId of await services.segments.merchantsWithRules()) await services.segments.refreshAll(merchantId, now);
  },
};

export const segmentsJobs = [nightlySegmentsJob];
