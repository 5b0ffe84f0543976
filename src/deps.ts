import type { Config } from './config';
import type { Db } from './db/db';
import type { JobQueue } from './jobs/job-queue';
import type { Logger } from './logger';
import type { SharedCounters } from './shared-counters';

/** The infrastructure every service is built from. */
export interface Deps {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
  /** Counters in Redis, when it is configured (the abuse limits count there, else in the database). */
  counters?: SharedCounters;
}
