/**
 * The one way the web apps talk to the API: same origin, JSON, bearer token
 * from the session of the app in use. Every failure becomes an ApiError with
 * the server's stable code, or NETWORK when the server cannot be reached, so
 * screens can show a message per code instead of a raw status.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Session {
  /** Current bearer token, or null when signed out. */
  token(): string | null;
  /** Gets a fresh token after a 401 (refresh token, terminal key); false when it cannot. */
  renew(): Promise<boolean>;
  /** Called when the session is gone for good (renewal failed). */
  expired(): void;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A text body sent as it is (a CSV file), with its content type; instead of `body`. */
  text?: { content: string; type: string };
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  session?: Session | null;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const first = await send(path, options);
  if (first.status === 401 && options.session && options.session.token()) {
    // An access token lives minutes; renew once and replay the same request.
    if (await options.session.renew()) return read<T>(await send(path, options));
    options.session.expired();
  }
  return read<T>(first);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const token = options.session?.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.text) headers['Content-Type'] = options.text.type;
  try {
    return await fetch(url, {
      method: options.method ?? (options.body === undefined && !options.text ? 'GET' : 'POST'),
      headers,
      body: options.text ? options.text.content : options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('NETWORK', 'The server cannot be reached', 0);
  }
}

async function read<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (res.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (error?.code) throw new ApiError(error.code, error.message ?? error.code, res.status, error.details);
  // A proxy or a stopped server answers without our error body.
  throw new ApiError(res.status >= 500 ? 'SERVER_DOWN' : 'HTTP_' + res.status, `HTTP ${res.status}`, res.status);
}

/** A key for one write the till may retry: the same sale always sends the same key. */
export function newIdempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** Field-level problems from a 400, keyed by the last path segment (the form field). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as { path?: string; message?: string }[]) {
    if (!d.path) continue;
    const field = d.path.split('.').slice(1).join('.') || d.path;
    out[field] = d.message ?? '';
  }
  return out;
}
