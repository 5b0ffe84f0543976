import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { composeModules } from '../../src/module';
import { modules } from '../../src/modules';
import { SharedCounters } from '../../src/shared-counters';
import { TEST_REDIS_URL } from './services';
import type { TestRuntime } from './test-runtime';

/**
 * A second api process in miniature: its own connection pool, services and
 * app on the runtime's database, sharing nothing in memory with the first
 * (SQLite needs `sqliteFile: true` in the suite's runtime options).
 */
export async function secondApp(rt: TestRuntime): Promise<{ app: Express; close(): Promise<void> }> {
  const dataSource = createDataSource(rt.config.database);
  await dataSource.initialize();
  // Its own connection to the first one's counters in Redis, as a second process would have.
  const counters = rt.counters && new SharedCounters(TEST_REDIS_URL, rt.counters.prefix);
  if (counters && !(await counters.connected())) throw new Error(`Redis at ${TEST_REDIS_URL} did not answer`);
  const deps = { config: rt.config, log: rt.log, queue: rt.queue, db: new Db(dataSource), counters };
  const app = createApp({ ...deps, ...composeModules(deps, modules) });
  return {
    app,
    close: async () => {
      await counters?.close();
      await dataSource.destroy();
    },
  };
}
