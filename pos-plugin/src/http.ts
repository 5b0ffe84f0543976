import { TallyUnavailableError } from './errors';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Server clock from the Date header, when present. */
  serverDate: Date | null;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Connect + full response; the cashier must not wait longer than this. */
  timeoutMs: number;
  /** Set on writes so an unavailable error can hand it back for a retry. */
  idempotencyKey?: string;
}

/**
 * One HTTP exchange with a hard deadline covering connect, headers and body.
 * Network failures and timeouts become TallyUnavailableError; every HTTP
 * status (including 5xx) is returned for the caller to judge.
 */
export async function httpCall(call: HttpCall): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  try {
    const res = await fetch(call.url, {
      method: call.method,
      headers: { accept: 'application/json', ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: controller.signal,
    });
    const text = await res.text();
    const dateHeader = res.headers.get('date');
    return { status: res.status, body: parseBody(text), serverDate: dateHeader ? new Date(dateHeader) : null };
  } catch (err) {
    const reason = controller.signal.aborted ? `no answer within ${call.timeoutMs} ms` : describeNetworkError(err);
    throw new TallyUnavailableError(`Tally server unreachable (${reason})`, call.idempotencyKey, !controller.signal.aborted && CONNECTION_LOST.has(reason));
  } finally {
    clearTimeout(timer);
  }
}

const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page, for instance: keep it readable in the error.
    return text.slice(0, 500);
  }
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
