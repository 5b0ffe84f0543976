import { startProbeServer } from './health';
import { startJobs } from './jobs/start-jobs';
import { failStartup, shutdownOnSignals } from './lifecycle';
import { openRuntime } from './runtime';

/**
 * `npm run start:worker`: consumes the jobs api processes enqueue (through
 * Redis) and runs the schedules. Start as many as the load needs; migrations
 * are run beforehand with `npm run migrate`.
 */
async function main(): Promise<void> {
  const runtime = await openRuntime();
  const { log, queue } = runtime;
  if (queue.kind !== 'bull') log.warn('REDIS_URL is not set: this worker only sees the outbox of its own database and its own schedules');
  const jobs = startJobs(runtime, { consume: true });
  const { healthPort, host } = runtime.config;
  const probes = healthPort === undefined ? undefined : await startProbeServer(runtime.services.health, 'worker', healthPort, host);
  // Signals are handled from here on: handlers already consume while schedules are still being registered.
  shutdownOnSignals(log, {
    server: probes,
    close: async () => {
      await jobs.then((running) => running.stop(), () => undefined);
      await runtime.close();
    },
  });
  await jobs;
  log.info({ queue: queue.kind }, 'Tally worker started');
}

main().catch(failStartup);
