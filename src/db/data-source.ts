import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import mysql2, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2';
import { DataSource } from 'typeorm';
import type { Database } from '../config';
import { entitiesOf } from '../module';
import { modules } from '../modules';
import { migrations } from '../../migrations';

/**
 * Builds the DataSource for either dialect. The app, the migrate command, the
 * TypeORM CLI (ormconfig.ts) and the tests all call this one function.
 */
export function createDataSource(database: Database): DataSource {
  const common = { entities: entitiesOf(modules), migrations, synchronize: false, migrationsTransactionMode: 'each' as const };
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
    driver: readCommittedMysql2(),
    url: database.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize: 20,
    // No "long stack traces": mysql2 would otherwise capture a stack on every statement (3 % of a till request's CPU);
    // a failed statement still throws with its own stack and the SQL error.
    trace: false,
    extra: { connectionLimit: 20, waitForConnections: true, queueLimit: 0 },
  });
}

/**
 * mysql2 whose pooled connections start in READ COMMITTED (`Db.transaction`
 * relies on it), so a transaction does not spend a round trip on SET
 * TRANSACTION ISOLATION LEVEL each time. The SET is queued on a new
 * connection before the pool hands it out, so it runs before any query; a
 * connection where it failed is destroyed rather than used.
 */
function readCommittedMysql2(): typeof mysql2 {
  const driver = Object.create(mysql2) as typeof mysql2;
  driver.createPool = ((options: PoolOptions): Pool => {
    const pool = mysql2.createPool(options);
    pool.on('connection', (connection: PoolConnection) => {
      connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err) => {
        if (err) connection.destroy();
      });
    });
    return pool;
  }) as typeof mysql2.createPool;
  return driver;
}
