import { InProcessJobQueue } from '../../../src/jobs/in-process-job-queue';
import { createLogger } from '../../../src/logger';
import { jobQueueContract } from './job-queue.contract';

describe('InProcessJobQueue', () => {
  jobQueueContract(() => new InProcessJobQueue(createLogger('silent')));
});
