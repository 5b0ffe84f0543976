import { createServer } from 'node:http';
import { createApp } from './app';
import { printSetupInstructions } from './auth';
import { migrate } from './db/statistics';
import { startJobs } from './jobs/start-jobs';
import { failStartup, shutdownOnSignals } from './lifecycle';
import { openRuntime } from './runtime';

/**
 * `npm start`: everything in one process — migrations, api and jobs. With no
 * configuration that is SQLite under ./data and in-process jobs.
 */
async function main(): Promise<void> {
  const runtime = await openRuntime();
  await migrate(runtime.db);
  const jobs = await startJobs(runtime, { consume: true });
  const server = createServer(createApp(runtime));
  await new Promise<void>((resolve) => server.listen(runtime.config.port, runtime.config.host, resolve));
  const { config } = runtime;
  const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : 'MySQL';
  process.stdout.write(
    `\nTally is running at ${config.publicUrl}  (${where}; jobs ${runtime.queue.kind})\n` +
      `Back office: ${config.publicUrl}/admin   Cashier terminal: ${config.publicUrl}/terminal   API docs: ${config.publicUrl}/docs\n`,
  );
  await printSetupInstructions(runtime.services, config.publicUrl);
  shutdownOnSignals(runtime.log, { server, close: () => jobs.stop().then(() => runtime.close()) });
}

main().catch(failStartup);
