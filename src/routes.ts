import type { Api } from './http/api';
import { healthRoutes } from './health/health.routes';

/** Every module's routes, mounted in this order. */
export function registerRoutes(api: Api): void {
  healthRoutes(api);
}
