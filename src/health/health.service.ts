import type { Deps } from '../deps';

export type Role = 'api' | 'worker';

export interface Readiness {
  /**
   * ok: ready and every dependency answers; degraded: ready, but a dependency
   * this role can work without is down (the api without Redis: sales go on,
   * their jobs wait in the outbox); unavailable: not ready.
   */
  status: 'ok' | 'degraded' | 'unavailable';
  /** Each check is 'ok' or a short reason. */
  checks: Record<string, string>;
}

/**
 * What the probes mean. Liveness (/healthz) is only "the process answers".
 * Readiness depends on the role: an api process is ready when it can serve
 * the till (database reachable, migrations current); Redis is reported but
 * never takes it out of the load balancer. A worker is ready only with both
 * the database and Redis, since it does nothing without either.
 */
export class HealthService {
  constructor(private readonly deps: Deps) {}

  async readiness(role: Role): Promise<Readiness> {
    const { db, queue } = this.deps;
    const checks: Record<string, string> = {};
    try {
      await db.dataSource.query('SELECT 1');
      checks.database = 'ok';
      checks.migrations = (await db.dataSource.showMigrations()) ? 'pending migrations: run npm run migrate' : 'ok';
    } catch {
      checks.database = 'unreachable';
    }
    if (queue.kind === 'bull') checks.redis = (await queue.ping()) ? 'ok' : 'unreachable';
    const required = role === 'api' ? ['database', 'migrations'] : ['database', 'migrations', 'redis'];
    const ready = required.every((name) => (checks[name] ?? 'ok') === 'ok');
    const allOk = Object.values(checks).every((v) => v === 'ok');
    return { status: !ready ? 'unavailable' : allOk ? 'ok' : 'degraded', checks };
  }
}
