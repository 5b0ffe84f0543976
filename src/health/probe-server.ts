import { createServer, type Server } from 'node:http';
import type { HealthService, Role } from './health.service';

/**
 * /healthz and /readyz for a process without the HTTP api (the worker), so
 * an orchestrator can probe it the same way. Nothing else is served.
 */
export function startProbeServer(health: HealthService, role: Role, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return reply(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Only GET' } });
    if (req.url === '/healthz') return reply(200, { status: 'ok' });
    if (req.url === '/readyz') {
      health.readiness(role).then(
        (r) => reply(r.status === 'unavailable' ? 503 : 200, r),
        () => reply(503, { status: 'unavailable' }),
      );
      return;
    }
    reply(404, { error: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.url}` } });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
