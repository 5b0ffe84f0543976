import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue } from '../jobs/job-queue';
import type { OutboxBacklog } from '../jobs/outbox.service';
import type { Logger } from '../logger';
import { AppError } from '../http/errors';

/** What a scrape reads besides the counters kept in memory. */
export interface MetricsSources {
  queue: JobQueue;
  /** Job names to report queue counts for. */
  jobNames: string[];
  outboxBacklog(): Promise<OutboxBacklog>;
  log: Logger;
}

/** Till routes: their errors are counted by code. */
const TILL_PREFIX = '/v1/pos/';
const TILL_COMMIT = 'POST /v1/pos/purchases';

/**
 * Prometheus metrics of one app. On the request path it costs one histogram
 * observation and, for till routes, one counter increment, done when the
 * answer has been sent; queue and outbox figures are read only when scraped.
 */
export function createMetrics(sources: MetricsSources): { registry: Registry; observe: RequestHandler } {
  // A registry per app (not prom-client's global one), so several apps in one process (tests) stay apart.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tally_' });

  const duration = new Histogram({
    name: 'tally_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern (not the raw URL), method and status class.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const commits = new Counter({
    name: 'tally_till_commits_total',
    help: 'Till sales answered by POST /v1/pos/purchases: recorded (201) or replayed (200, same receipt or Idempotency-Key).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const tillErrors = new Counter({
    name: 'tally_till_errors_total',
    help: 'Till requests (/v1/pos/…) answered with an error, by route and error code.',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  // Queue and outbox figures are read when scraped. prom-client collects all metrics of a scrape at
  // once, so the gauges fed by one read share it (one read in flight, reused by the others).
  const readQueue = shared(async () => {
    try {
      return await sources.queue.counts(sources.jobNames);
    } catch (err) {
      sources.log.warn({ err }, 'metrics: queue counts unavailable');
      return null;
    }
  });
  const readOutbox = shared(() => sources.outboxBacklog());
  const ageSeconds = (at: Date | null) => (at ? Math.max(0, (Date.now() - at.getTime()) / 1000) : 0);

  new Gauge({
    name: 'tally_queue_jobs',
    help: 'Jobs in the queue by job name and state (waiting, active, delayed, failed).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await readQueue()) ?? []) for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: c.name, state }, c[state]);
    },
  });
  new Gauge({
    name: 'tally_queue_oldest_waiting_seconds',
    help: 'Age of the longest-waiting due job, by job name (0 when none waits).',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await readQueue()) ?? []) this.set({ queue: c.name }, ageSeconds(c.oldestWaitingAt));
    },
  });
  new Gauge({
    name: 'tally_queue_up',
    help: '1 when the queue answered this scrape, 0 when it did not (its figures are then missing).',
    registers: [registry],
    async collect() {
      this.set((await readQueue()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tally_outbox_pending_rows',
    help: 'Outbox rows whose job has not completed.',
    registers: [registry],
    async collect() {
      this.set((await readOutbox()).pending);
    },
  });
  new Gauge({
    name: 'tally_outbox_failing_rows',
    help: 'Pending outbox rows whose last hand-over to the queue failed.',
    registers: [registry],
    async collect() {
      this.set((await readOutbox()).failing);
    },
  });
  new Gauge({
    name: 'tally_outbox_lag_seconds',
    help: 'Age of the oldest outbox row whose job has not completed (0 when none).',
    registers: [registry],
    async collect() {
      this.set(ageSeconds((await readOutbox()).oldestPendingAt));
    },
  });

  const observe: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routePattern(req);
      const status = res.statusCode;
      duration.observe({ method: req.method, route, status: `${Math.floor(status / 100)}xx` }, Number(process.hrtime.bigint() - start) / 1e9);
      if (!route.startsWith(TILL_PREFIX)) return;
      if (`${req.method} ${route}` === TILL_COMMIT && status < 300) commits.inc({ outcome: status === 201 ? 'recorded' : 'replayed' });
      if (status >= 400) tillErrors.inc({ route: `${req.method} ${route}`, code: String(res.locals.errorCode ?? status) });
    });
    next();
  };
  return { registry, observe };
}

/** Calls fn once for all callers that ask while a call is in flight. */
function shared<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => (running ??= fn().finally(() => (running = undefined)));
}

/** The matched route's pattern (/v1/members/:memberId); anything no route matched is one label, so URLs cannot multiply series. */
function routePattern(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/**
 * GET /metrics in the Prometheus text format. With METRICS_TOKEN set it wants
 * `Authorization: Bearer <token>`; without, it answers only a client on this
 * machine that did not come through a proxy (no X-Forwarded-For/Forwarded),
 * so a reverse proxy on the same host does not publish it by accident.
 */
export function mountMetrics(app: Express, registry: Registry, token: string | undefined): void {
  app.get('/metrics', async (req, res, next) => {
    try {
      if (!allowed(req, token)) {
        throw new AppError('FORBIDDEN', token ? 'Send Authorization: Bearer <METRICS_TOKEN>' : 'Metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere');
      }
      const text = await registry.metrics();
      res.type(registry.contentType).setHeader('Cache-Control', 'no-store');
      res.send(text);
    } catch (err) {
      next(err);
    }
  });
}

function allowed(req: Request, token: string | undefined): boolean {
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    // Compare digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
    return timingSafeEqual(digest(given), digest(token));
  }
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
