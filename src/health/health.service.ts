import type { Deps } from '../deps';

export class HealthService {
  constructor(private readonly deps: Deps) {}

  /** Each check is 'ok' or a short reason. */
  async check(): Promise<Record<string, string>> {
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
    return checks;
  }
}
