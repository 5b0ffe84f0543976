import type { ModuleJob } from '../module';
import type { MemberSignInService } from './member-sign-in.service';

/** Hourly: deletes old sign-in code rows and discards sign-in messages that were never delivered in time. */
export const memberJobs: ModuleJob<{ memberSignIn: MemberSignInService }>[] = [
  {
    name: 'members.prune-sign-in',
    schedule: '23 * * * *',
    async handle(_data, services) {
      await services.memberSignIn.prune(new Date());
    },
  },
];
