import type { Deps } from '../deps';
import { defineModule } from '../module';
import { MemberTier } from './member-tier.entity';
import { ProgramVersion } from './program-version.entity';
import { rulesJobs } from './rules.jobs';
import { rulesRoutes } from './rules.routes';
import { RulesService, type RulesServiceUses } from './rules.service';

/** The loyalty program (versioned rules) and member tiers; earning and redemption are pure functions here. */
export const rulesModule = defineModule({
  name: 'rules',
  entities: [ProgramVersion, MemberTier],
  uses: ['merchants', 'members', 'points', 'purchases'],
  create: (deps: Deps, use: RulesServiceUses) => ({ rules: new RulesService(deps, use) }),
  routes: rulesRoutes,
  jobs: rulesJobs,
});
