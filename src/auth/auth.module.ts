import type { Deps } from '../deps';
import { defineModule } from '../module';
import { authJobs } from './auth.jobs';
import { authRoutes } from './auth.routes';
import { AuthService, type AuthServiceUses } from './auth.service';
import { RefreshToken } from './refresh-token.entity';
import { SetupToken } from './setup-token.entity';
import { SignInGuardRow } from './sign-in-guard.entity';

/** Sign-in, sessions and tokens of staff, terminals and members; first-run setup. */
export const authModule = defineModule({
  name: 'auth',
  entities: [RefreshToken, SetupToken, SignInGuardRow],
  uses: ['members', 'merchants', 'operators', 'staff'],
  create: (deps: Deps, use: AuthServiceUses) => ({ auth: new AuthService(deps, use) }),
  routes: authRoutes,
  jobs: authJobs,
});
