import { z } from 'zod';
import type { Api } from '../http/api';
import { route } from '../http/route';
import type { HealthService } from './health.service';

const Health = z.object({ status: z.enum(['ok', 'degraded', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

export function healthRoutes(api: Api<{ health: HealthService }>): void {
  route(api, {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers (restart it if this fails)',
    tag: 'health',
    access: 'public',
    response: Health,
    handler: async () => ({ status: 'ok' as const }),
  });

  route(api, {
    method: 'get',
    path: '/readyz',
    summary:
      'Readiness of an api process: 200 when it can serve the till (database reachable, migrations current). ' +
      'Redis is reported in the checks; while it is down the answer is still 200 with status "degraded" (sales go on, their jobs wait in the outbox). 503 otherwise.',
    tag: 'health',
    access: 'public',
    response: Health,
    handler: async ({ res }) => {
      const readiness = await api.services.health.readiness('api');
      res.status(readiness.status === 'unavailable' ? 503 : 200);
      return readiness;
    },
  });
}
