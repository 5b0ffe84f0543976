import type { Deps } from '../deps';
import type { JobDefinition } from './job-definition';
import { completeOutboxJob, isOutboxBatch, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

export interface StartJobsOptions {
  /** Consume jobs and register schedules here (worker, single process, or api with RUN_JOBS_IN_API). */
  consume: boolean;
  /** The jobs to consume; by default every module's. */
  jobs?: JobDefinition[];
  relay?: OutboxRelayOptions;
}

export interface RunningJobs {
  relay: OutboxRelay;
  /** Stops the relay after its current round; the caller then closes the queue (which waits for running jobs). */
  stop(): Promise<void>;
}

/**
 * Starts the background side of a process. Every role runs the outbox relay
 * when it can deliver (concurrent relays are safe: SKIP LOCKED claims and
 * jobId de-duplication); only consuming roles register handlers and schedules.
 */
export async function startJobs(
  runtime: Pick<Deps, 'db' | 'queue' | 'log'> & { jobs: JobDefinition[] },
  options: StartJobsOptions,
): Promise<RunningJobs> {
  const { db, queue, log } = runtime;
  const jobs = options.jobs ?? runtime.jobs;
  if (options.consume) {
    const seen = new Set<string>();
    for (const def of jobs) {
      if (seen.has(def.name)) throw new Error(`job ${def.name} is defined twice`);
      seen.add(def.name);
      queue.process(def.name, async (data, job) => {
        if (!isOutboxBatch(data)) await def.handle(data);
        else if (def.handleBatch) await def.handleBatch(data.outboxRows.map((r) => r.data));
        else for (const row of data.outboxRows) await def.handle(row.data);
        // Only now is the outbox rows' work done; if this write fails the job fails and is retried.
        await completeOutboxJob(db, job.id, data);
      });
    }
    for (const def of jobs) if (def.schedule) await queue.schedule(def.name, def.schedule);
  }
  const batchJobs = new Set(jobs.filter((def) => def.handleBatch).map((def) => def.name));
  const relay = new OutboxRelay(db, queue, log, { batchJobs, ...options.relay });
  let stopped = false;
  queue.onReconnect(() => {
    if (stopped) return;
    relay.redeliverInFlight().catch((err: unknown) => log.warn({ err }, 'could not hand unfinished outbox jobs over again; their redelivery deadline still will'));
  });
  // An in-process queue delivers only to this process's handlers: without them, relayed rows
  // would fail there again and again, so they stay in the outbox for a consuming process.
  if (options.consume || queue.kind === 'bull') relay.start();
  else log.warn('jobs are neither consumed here nor sent to Redis: outbox rows wait for a process that consumes them');
  return {
    relay,
    stop: () => {
      stopped = true;
      return relay.stop();
    },
  };
}
