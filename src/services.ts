import { AuthService } from './auth/auth.service';
import type { Deps } from './deps';
import { HealthService } from './health/health.service';

/** Builds every service once; modules reach each other through these, never through tables. */
export function createServices(deps: Deps) {
  const health = new HealthService(deps);
  const auth = new AuthService(deps);
  return { health, auth };
}

export type Services = ReturnType<typeof createServices>;
