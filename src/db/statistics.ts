import type { Deps } from '../deps';
import type { Db } from './db';

/**
 * Rows SQLite's ANALYZE samples per index: enough for the planner to tell a
 * member's index from a merchant's, and it keeps the run in the tens of
 * milliseconds whatever the size of the history.
 */
const SQLITE_ANALYSIS_LIMIT = 1000;

/**
 * Brings the query planner's statistics up to date. Without them SQLite
 * guesses, and at tens of thousands of purchases it guessed a plan that read
 * every purchase of the merchant for one member's stats; MySQL keeps
 * statistics by itself but only after 10 % of a table changed. Run by a
 * scheduled job and once after migrations add tables or indexes.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  if (db.isMysql) {
    const tables = db.dataSource.entityMetadatas.map((m) => `\`${m.tableName}\``);
    if (tables.length) await db.manager.query(`ANALYZE TABLE ${tables.join(', ')}`);
    return;
  }
  // In a transaction: on SQLite that queues it behind the till's transactions on the one shared connection.
  await db.transaction(async (tx) => {
    await tx.query(`PRAGMA analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
    await tx.query('ANALYZE');
  });
}

/** The scheduled refresh (`db.refresh-statistics`). */
export class PlannerStatistics {
  constructor(private readonly deps: Deps) {}

  async refresh(): Promise<void> {
    await refreshStatistics(this.deps.db);
  }
}

/** Applies pending migrations; when any ran, refreshes the statistics for the tables and indexes they made. */
export async function migrate(db: Db): Promise<string[]> {
  const applied = await db.dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) await refreshStatistics(db);
  return applied.map((m) => m.name);
}
