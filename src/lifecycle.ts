import type { RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/**
 * On SIGTERM/SIGINT: stop taking new work at once (see `drainable`), let
 * running requests and jobs finish, close the queue and database, exit.
 * Forced after 10 s.
 */
export function shutdownOnSignals(log: Logger, steps: { server?: Server; close: () => Promise<void> }): void {
  const drain = steps.server ? drainable(steps.server) : () => Promise.resolve();
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
    drain()
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

/**
 * Wraps the server's request handling so that `drain()` stops new work at
 * once: it stops listening, closes idle keep-alive connections, answers the
 * requests in flight with `Connection: close` (so their connection ends with
 * them), and refuses any request that still arrives on an open connection
 * with 503 SHUTTING_DOWN. Before, server.close() alone left busy keep-alive
 * connections open: a sale sent on one after "shutting down" was accepted,
 * and the connection held the process until the 10 s guard (issue 14).
 * Resolves when the last connection has closed.
 */
export function drainable(server: Server): () => Promise<void> {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (draining) return refuseWhileStopping(res);
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // The connection turns idle only after this event: close it on the next turn.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    for (const handle of handlers) handle.call(server, req, res);
  });
  return () =>
    new Promise<void>((resolve) => {
      draining = true;
      server.close(() => resolve());
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
    });
}

function refuseWhileStopping(res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close', 'Retry-After': '5', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error: { code: 'SHUTTING_DOWN', message: 'The server is stopping: send the request again in a moment' } }));
}

/** Prints a configuration or start-up failure plainly and exits non-zero. */
export function failStartup(err: unknown): never {
  process.stderr.write(`Tally could not start.\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
