import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Deps } from './deps';
import { redactUrl } from './logger';
import { setAuthenticator } from './http/auth';
import { AppError } from './http/errors';
import { errorHandler, routeNotFound } from './http/error-handler';
import { createRegistry, mountApiDocs } from './http/openapi';
import { createMetrics, mountMetrics } from './metrics/metrics';
import type { Composed } from './module';
import type { Services } from './modules';
import { mountWebApp } from './web/web';

export interface AppDeps extends Deps, Composed<Services> {}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP app without listening, so tests drive it directly. */
export function createApp(deps: AppDeps): Express {
  const { config, log, services, jobs, mountRoutes } = deps;
  const app = express();
  app.disable('x-powered-by');
  // No ETag: every answer is per principal and not cached (it would cost a hash of every response body).
  app.disable('etag');
  app.set('trust proxy', config.trustProxy);
  const metrics = createMetrics({ queue: deps.queue, jobNames: jobs.map((j) => j.name), outboxBacklog: () => services.outbox.backlog(), log });
  app.use(metrics.observe);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      serializers: { req: (req: { url: string }) => Object.assign(req, { url: redactUrl(req.url) }) },
    }),
  );
  app.use(helmet());
  app.use(requireJsonBody);
  app.use(express.json({ limit: config.bodyLimit, strict: true }));
  setAuthenticator(app, (token) => services.auth.authenticate(token));

  const registry = createRegistry();
  const router = express.Router();
  mountRoutes({ router, registry });
  app.use(router);
  mountApiDocs(app, registry, config.publicUrl);
  mountMetrics(app, metrics.registry, config.metricsToken);
  mountWebApp(app);

  app.use(routeNotFound);
  app.use(errorHandler(log));
  return app;
}

/** A body on POST/PUT/PATCH must be JSON; anything else is a 415 before it is parsed. The history import streams CSV. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json') && !(req.path.startsWith('/v1/imports/') && req.is('text/csv'))) {
    return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
  }
  next();
};
