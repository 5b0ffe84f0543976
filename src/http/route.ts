import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Api } from './api';
import { z } from 'zod';
import { AppError, type FieldIssue } from './errors';
import { type Access, type OperatorPrincipal, type Principal } from './principal';
import { authorize } from './auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: validated input, the caller and the raw request for headers. */
export interface RouteInput<B, Q, P, A extends Access> {
  body: B;
  query: Q;
  params: P;
  principal: A extends 'public' ? Principal | null : A extends { operator: true } ? OperatorPrincipal : Principal;
  req: Request;
  res: Response;
}

export interface RouteSpec<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
  A extends Access = Access,
> {
  method: Method;
  /** Express-style path, e.g. /v1/stores/:storeId. */
  path: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Schema of a successful JSON answer (documentation and a development-time check). */
  response?: R;
  /** HTTP status of success; 204 sends no body. */
  status?: 200 | 201 | 202 | 204;
  /** Extra documented request headers, e.g. Idempotency-Key. */
  headers?: z.ZodObject;
  /** A request body the handler reads itself as a stream (e.g. text/csv), documented instead of `body`. */
  consumes?: string;
  /** Non-JSON success content (e.g. image/png), documented instead of `response`. */
  produces?: string;
  /** Middleware run before authentication and validation, e.g. a rate limit. */
  before?: RequestHandler[];
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>, A>) => Promise<z.infer<R> | void>;
}

/**
 * Declares one route: mounts it on the router with authentication, role
 * check and zod validation, and documents it in the OpenAPI registry, so the
 * docs cannot drift from what the code accepts.
 */
export function route<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
  A extends Access = Access,
>(api: Pick<Api, 'router' | 'registry'>, spec: RouteSpec<B, Q, P, R, A>): void {
  api.registry.registerPath(toOpenApi(spec));
  const status = spec.status ?? 200;
  const handler: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    try {
      // Set first so a handler can still choose another status (503 from /readyz, 200 for a replay).
      res.status(status);
      // API answers carry personal data or tokens: no browser or proxy may keep a copy (errors included).
      res.setHeader('Cache-Control', 'no-store');
      const principal = await authorize(req, spec.access);
      const body = parse(spec.body, req.body, 'body');
      const query = parse(spec.query, req.query, 'query');
      const params = parse(spec.params, req.params, 'params');
      const result = await spec.handler({ body, query, params, principal, req, res } as RouteInput<
        z.infer<B>,
        z.infer<Q>,
        z.infer<P>,
        A
      >);
      if (res.headersSent) return;
      if (result === undefined) res.status(res.statusCode === 200 ? 204 : res.statusCode).end();
      else res.json(result);
    } catch (err) {
      next(err);
    }
  };
  api.router[spec.method](spec.path, ...(spec.before ?? []), handler);
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  throw validationError(result.error, where);
}

/** Turns a zod error into a 400 with one entry per problem field. */
export function validationError(error: z.ZodError, where: string): AppError {
  const details: FieldIssue[] = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid ${where}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
}

function toOpenApi(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType, Access>): RouteConfig {
  const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const successDescription = spec.status === 201 ? 'Created' : spec.status === 204 ? 'No content' : 'OK';
  const success = spec.produces
    ? { description: successDescription, content: { [spec.produces]: { schema: z.string() } } }
    : spec.response && spec.status !== 204
      ? { description: successDescription, content: { 'application/json': { schema: spec.response } } }
      : { description: successDescription };
  return {
    method: spec.method,
    path,
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.access === 'public' ? [] : [{ bearerAuth: [] }],
    request: {
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      ...(spec.consumes ? { body: { content: { [spec.consumes]: { schema: z.string() } }, required: true } } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
    },
    responses: {
      [spec.status ?? 200]: success,
      default: { description: 'Error', content: { 'application/json': { schema: ErrorBody } } },
    },
  };
}

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});
