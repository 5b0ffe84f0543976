import type { Config } from './config';
import type { Db } from './db/db';
import type { JobQueue } from './jobs/job-queue';
import type { Logger } from './logger';

/** The infrastructure every service is built from. */
export interface Deps {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
}
