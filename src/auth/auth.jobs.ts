import type { ModuleJob } from '../module';
import type { AuthService } from './auth.service';

/** Hourly: deletes sign-in guard rows nobody has tried for days (their locks ended long ago). */
export const authJobs: ModuleJob<{ auth: AuthService }>[] = [
  {
    name: 'auth.prune-sign-in-guards',
    schedule: '41 * * * *',
    async handle(_data, services) {
      await services.auth.pruneSignInGuards(new Date());
    },
  },
];
