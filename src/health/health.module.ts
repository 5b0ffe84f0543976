import { defineModule } from '../module';
import { healthRoutes } from './health.routes';
import { HealthService } from './health.service';

/** Liveness and readiness probes. Owns no tables. */
export const healthModule = defineModule({
  name: 'health',
  entities: [],
  uses: [],
  create: (deps) => ({ health: new HealthService(deps) }),
  routes: healthRoutes,
});
