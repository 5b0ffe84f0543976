import type { Deps } from '../deps';
import { defineModule } from '../module';
import { meRoutes } from './me.routes';
import { MemberChange } from './member-change.entity';
import { MemberConsent } from './member-consent.entity';
import { MemberSignInService, type MemberSignInServiceUses } from './member-sign-in.service';
import { MemberStats } from './member-stats.entity';
import { Member } from './member.entity';
import { memberJobs } from './members.jobs';
import { membersRoutes } from './members.routes';
import { MembersService, type MembersServiceUses } from './members.service';
import { SignInCode } from './sign-in-code.entity';

/** Members: profiles, consents, change history, derived stats, portal sign-in. */
export const membersModule = defineModule({
  name: 'members',
  entities: [Member, MemberChange, MemberConsent, MemberStats, SignInCode],
  uses: ['cards', 'merchants', 'notifications', 'points', 'purchases', 'rateLimits'],
  create: (deps: Deps, use: MembersServiceUses & MemberSignInServiceUses) => {
    const members = new MembersService(deps, use);
    return { members, memberSignIn: new MemberSignInService(deps, members, use) };
  },
  routes(api) {
    membersRoutes(api);
    meRoutes(api);
  },
  jobs: memberJobs,
});
