import { AuthService } from './auth/auth.service';
import type { Deps } from './deps';
import { HealthService } from './health/health.service';

/**
 * Every service, built once. Services receive this object and reach other
 * modules through it at call time (never through their tables), so the order
 * of construction does not matter.
 */
export interface Services {
  health: HealthService;
  auth: AuthService;
}

export function createServices(deps: Deps): Services {
  const services = {} as Services;
  Object.assign(services, {
    health: new HealthService(deps),
    auth: new AuthService(deps),
  } satisfies Services);
  return services;
}
