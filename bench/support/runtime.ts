/**
 * What the by-hand benches under bench/ share: a fresh database (a SQLite file,
 * or with `mysql` a new MySQL database, dropped by `close()`), migrated, with
 * every module composed on an in-process queue; and `measured()`, the wall time
 * and peak memory of one step.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { migrate } from '../../src/db/statistics';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { composeModules } from '../../src/module';
import { modules, type Services } from '../../src/modules';

export interface Measured<T> {
  result: T;
  seconds: number;
  rssMb: number;
  heapMb: number;
}

/** Wall time of `run`, with the process's peak RSS and heap sampled every 20 ms while it runs. */
export async function measured<T>(run: () => Promise<T>): Promise<Measured<T>> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = process.hrtime.bigint();
  try {
    const result = await run();
    sample();
    return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** A new database for one bench run; MySQL from BENCH_MYSQL_URL (default root@127.0.0.1:3306). */
async function freshDatabase(name: string, useMysql: boolean): Promise<Database> {
  if (!useMysql) return { kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), `tally-${name}-bench-`)), 'bench.sqlite') };
  const base = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const database = `bench_${name}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return { kind: 'mysql', url: `${base}/${database}` };
}

export interface BenchRuntime {
  target: Database;
  dataSource: DataSource;
  db: Db;
  services: Services;
  /** Closes the connections and drops a MySQL bench database. */
  close(): Promise<void>;
}

/** A migrated fresh database with every module's services, as the single process builds them. */
export async function openBenchRuntime(name: string, useMysql: boolean): Promise<BenchRuntime> {
  const target = await freshDatabase(name, useMysql);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: tmpdir(),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1',
    DATABASE_URL: target.kind === 'mysql' ? target.url : `sqlite:${target.file}`,
  });
  const log = createLogger('silent');
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  const db = new Db(dataSource);
  await migrate(db);
  const { services } = composeModules({ config, db, queue: new InProcessJobQueue(log), log }, modules);
  return {
    target,
    dataSource,
    db,
    services,
    async close() {
      await dataSource.destroy();
      if (target.kind !== 'mysql') return;
      const admin = await mysql.createConnection(target.url);
      await admin.query(`DROP DATABASE ${target.url.slice(target.url.lastIndexOf('/') + 1)}`);
      await admin.end();
    },
  };
}
