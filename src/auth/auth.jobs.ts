import type { JobDefinition } from '../jobs/job-definition';

/** Hourly: deletes sign-in guard rows nobody has tried for days (their locks ended long ago). */
export const authJobs: JobDefinition[] = [
  {
    name: 'auth.prune-sign-in-guards',
    schedule: '41 * * * *',
    async handle(_data, services) {
      await services.auth.pruneSignInGuards(new Date());
    },
  },
];
