import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import mysql from 'mysql2/promise';
import { createApp } from '../../src/app';
import { loadConfig, type Config, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import type { Deps } from '../../src/deps';
import { BullJobQueue } from '../../src/jobs/bull-job-queue';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import type { JobQueue } from '../../src/jobs/job-queue';
import { createLogger } from '../../src/logger';
import { composeModules, type Composed } from '../../src/module';
import { modules, type Services } from '../../src/modules';
import { SharedCounters } from '../../src/shared-counters';
import { deleteRedisKeys } from './redis';
import { mysqlAvailable, redisAvailable, TEST_MYSQL_URL, TEST_REDIS_URL } from './services';

export type TestDialect = 'sqlite' | 'mysql';

export interface TestRuntime extends Deps, Composed<Services> {
  dialect: TestDialect;
  app: Express;
  close(): Promise<void>;
}

export interface TestRuntimeOptions {
  /**
   * Use Bull on the test Redis (with a private key prefix) instead of in-process
   * jobs. describeEachDb does on the MySQL leg unless told `false`, so the
   * production pairing (MySQL + Redis) is what the suites test there.
   */
  redis?: boolean;
  /** SQLite in a file (for several processes) instead of in memory. */
  sqliteFile?: boolean;
  env?: Record<string, string>;
}

/** The dialects this run covers: SQLite always, MySQL when global setup reached it. */
export function testDialects(): TestDialect[] {
  return mysqlAvailable() ? ['sqlite', 'mysql'] : ['sqlite'];
}

/**
 * Runs the same suite once per dialect, each on a fresh, migrated database.
 * `rt()` gives the suite's runtime inside tests and hooks.
 */
export function describeEachDb(name: string, suite: (rt: () => TestRuntime, dialect: TestDialect) => void, options: TestRuntimeOptions = {}): void {
  for (const dialect of testDialects()) {
    describe(`${name} [${dialect}]`, () => {
      let runtime: TestRuntime | undefined;
      beforeAll(async () => {
        runtime = await createTestRuntime(dialect, { ...options, redis: (options.redis ?? true) && dialect === 'mysql' && redisAvailable() });
      });
      afterAll(async () => {
        await runtime?.close();
      });
      suite(() => {
        if (!runtime) throw new Error('test runtime not ready');
        return runtime;
      }, dialect);
    });
  }
}

/** A fresh database (SQLite in memory or a new MySQL database), migrated, with services and app. */
export async function createTestRuntime(dialect: TestDialect, options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const tag = randomBytes(6).toString('hex');
  const database = await createTestDatabase(dialect, tag, options.sqliteFile ?? false);
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tally-test-')),
    JWT_SECRET: 'test-secret-test-secret-test-secret-123456',
    ...(database.kind === 'mysql' ? { DATABASE_URL: database.url } : { DATABASE_URL: `sqlite:${database.file}` }),
    ...(options.redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...options.env,
  });
  const log = createLogger(config.logLevel);
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const db = new Db(dataSource);
  const redisPrefix = `tally-test-${tag}`;
  const queue: JobQueue = options.redis ? new BullJobQueue(TEST_REDIS_URL, log, { prefix: redisPrefix }) : new InProcessJobQueue(log);
  const counters = options.redis ? new SharedCounters(TEST_REDIS_URL, redisPrefix) : undefined;
  if (counters && !(await counters.connected())) throw new Error(`Redis at ${TEST_REDIS_URL} did not answer`);
  const deps: Deps = { config, db, queue, log, counters };
  const composed = composeModules(deps, modules);
  const app = createApp({ ...deps, ...composed });
  return {
    ...deps,
    ...composed,
    dialect,
    app,
    async close() {
      await queue.close();
      await counters?.close();
      await dataSource.destroy();
      if (database.kind === 'mysql') await dropMysqlDatabase(database.url);
      if (options.redis) await deleteRedisKeys(redisPrefix);
    },
  };
}

/** Creates an empty database and returns where it is. */
export async function createTestDatabase(dialect: TestDialect, tag: string, sqliteFile: boolean): Promise<Database> {
  if (dialect === 'sqlite') {
    return { kind: 'sqlite', file: sqliteFile ? join(mkdtempSync(join(tmpdir(), 'tally-db-')), 'tally.sqlite') : ':memory:' };
  }
  const name = `tally_t_${tag}`;
  const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return { kind: 'mysql', url: url.toString() };
}

async function dropMysqlDatabase(dbUrl: string): Promise<void> {
  const name = new URL(dbUrl).pathname.slice(1);
  const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
}
