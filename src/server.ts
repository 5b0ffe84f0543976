import { createServer } from 'node:http';
import { createApp } from './app';
import { startJobs } from './jobs/start-jobs';
import { failStartup, shutdownOnSignals } from './lifecycle';
import { openRuntime } from './runtime';

/**
 * The api role. In production run several behind a load balancer; migrations
 * are run beforehand with `npm run migrate` (/readyz reports pending ones).
 */
async function main(): Promise<void> {
  const runtime = await openRuntime();
  // Every api process relays the outbox; it consumes jobs only when configured to (embedded mode).
  const jobs = await startJobs(runtime, { consume: runtime.config.runJobsInApi });
  const server = createServer(createApp(runtime));
  server.listen(runtime.config.port, runtime.config.host, () => {
    runtime.log.info({ url: runtime.config.publicUrl }, 'Tally api listening');
  });
  shutdownOnSignals(runtime.log, { server, close: () => jobs.stop().then(() => runtime.close()) });
}

main().catch(failStartup);
