import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { Database } from '../config';
import { entities } from './entities';
import { migrations } from '../../migrations';

/**
 * Builds the DataSource for either dialect. The app, the migrate command, the
 * TypeORM CLI (ormconfig.ts) and the tests all call this one function.
 */
export function createDataSource(database: Database): DataSource {
  const common = { entities, migrations, synchronize: false, migrationsTransactionMode: 'each' as const };
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: database.file,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      },
    });
  }
  return new DataSource({
    ...common,
    type: 'mysql',
    url: database.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize: 20,
    extra: { connectionLimit: 20, waitForConnections: true, queueLimit: 0 },
  });
}
