import 'reflect-metadata';
import { loadConfig, type Config } from './config';
import { createDataSource } from './db/data-source';
import { Db } from './db/db';
import type { Deps } from './deps';
import type { JobQueue } from './jobs/job-queue';
import { BullJobQueue } from './jobs/bull-job-queue';
import { InProcessJobQueue } from './jobs/in-process-job-queue';
import { createLogger, type Logger } from './logger';
import { composeModules, type Composed } from './module';
import { modules, type Services } from './modules';
import { SharedCounters } from './shared-counters';

export interface Runtime extends Deps, Composed<Services> {
  /** Closes the queue (waiting for running jobs) and the database, in that order; stop `startJobs` first. */
  close(): Promise<void>;
}

/** Opens the database (and Redis when configured) and builds every module. */
export async function openRuntime(config: Config = loadConfig(), log: Logger = createLogger(config.logLevel)): Promise<Runtime> {
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  const db = new Db(dataSource);
  const queue = createQueue(config, log);
  const counters = config.redisUrl ? new SharedCounters(config.redisUrl, config.redisPrefix) : undefined;
  if (counters && !(await counters.connected())) log.warn('Redis did not answer at start: the abuse limits count in the database until it does');
  const deps: Deps = { config, db, queue, log, counters };
  return {
    ...deps,
    ...composeModules(deps, modules),
    async close() {
      await queue.close();
      await counters?.close();
      await dataSource.destroy();
    },
  };
}

function createQueue(config: Config, log: Logger): JobQueue {
  if (!config.redisUrl) return new InProcessJobQueue(log);
  // Only constructing it connects to Redis; the embedded mode never does.
  return new BullJobQueue(config.redisUrl, log, { prefix: config.redisPrefix });
}
