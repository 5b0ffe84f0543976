import type { Server } from 'node:http';
import type { Logger } from './logger';

/**
 * On SIGTERM/SIGINT: stop accepting connections, let running requests and
 * jobs finish, close the queue and database, exit. Forced after 10 s.
 */
export function shutdownOnSignals(log: Logger, steps: { server?: Server; close: () => Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    const serverClosed = new Promise<void>((resolve) => {
      if (!steps.server) return resolve();
      steps.server.close(() => resolve());
      steps.server.closeIdleConnections();
    });
    serverClosed
      .then(() => steps.close())
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Prints a configuration or start-up failure plainly and exits non-zero. */
export function failStartup(err: unknown): never {
  process.stderr.write(`Tally could not start.\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
