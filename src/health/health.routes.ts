import { z } from 'zod';
import type { Api } from '../http/api';
import { route } from '../http/route';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

export function healthRoutes(api: Api): void {
  route(api, {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tag: 'health',
    access: 'public',
    response: Health,
    handler: async () => ({ status: 'ok' as const }),
  });

  route(api, {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: database reachable, migrations current, Redis reachable when configured',
    tag: 'health',
    access: 'public',
    response: Health,
    handler: async ({ res }) => {
      const checks = await api.services.health.check();
      const ok = Object.values(checks).every((v) => v === 'ok');
      res.status(ok ? 200 : 503);
      return { status: ok ? ('ok' as const) : ('unavailable' as const), checks };
    },
  });
}
