import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdempotencyKeySchema } from '../api-types';
import type { EnrolMemberRequest, EvaluateBasketRequest, ReturnRequest, VoidRequest } from '../api-types';
import { InvalidCardCodeError, OfflineOfferRefusedError, OfflineRedemptionError, TallyApiError, TallyUnavailableError } from '../errors';
import { newIdempotencyKey, type CommitPurchaseInput, type TallyTerminal } from '../terminal';

const MAX_BODY_BYTES = 1024 * 1024;

class BridgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, match: RegExpExecArray, url: URL) => Promise<{ status: number; body: unknown }>;

/**
 * The bridge's HTTP side: the SDK's operations as plain JSON on 127.0.0.1, for
 * POS software that can make a local HTTP call but cannot embed JavaScript.
 * No authentication: it listens on the loopback interface only, and the
 * terminal's API key never leaves this machine.
 */
export function createBridgeServer(terminal: TallyTerminal): Server {
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
    { method: 'GET', pattern: /^\/status$/, handler: async () => ({ status: 200, body: { server: terminal.serverUrl, terminal: terminal.terminalInfo, journal: terminal.journalStatus() } }) },
    { method: 'GET', pattern: /^\/cards\/([^/]+)$/, handler: async (_req, m) => ({ status: 200, body: await terminal.lookupCard(decodeURIComponent(m[1])) }) },
    {
      method: 'GET',
      pattern: /^\/members$/,
      handler: async (_req, _m, url) => {
        const phone = url.searchParams.get('phone');
        const number = url.searchParams.get('number');
        if (phone) return { status: 200, body: await terminal.lookupPhone(phone) };
        if (number) return { status: 200, body: await terminal.lookupMemberNumber(number) };
        throw new BridgeError(400, 'VALIDATION_FAILED', 'send ?phone= or ?number=');
      },
    },
    { method: 'POST', pattern: /^\/members$/, handler: async (req) => ({ status: 201, body: await terminal.enrolMember((await readJson(req)) as EnrolMemberRequest) }) },
    {
      method: 'POST',
      pattern: /^\/baskets\/evaluate$/,
      handler: async (req) => {
        const basket = (await readJson(req)) as EvaluateBasketRequest;
        try {
          return { status: 200, body: await terminal.evaluateBasket(basket) };
        } catch (err) {
          // Offline: the offers priced with the kept offer set, marked so the POS knows points are not known yet.
          const offers = err instanceof TallyUnavailableError ? terminal.priceOffline(basket) : null;
          if (!offers) throw err;
          return { status: 200, body: { offline: true, ...offers } };
        }
      },
    },
    {
      method: 'POST',
      pattern: /^\/purchases$/,
      handler: async (req) => {
        const body = (await readJson(req)) as CommitPurchaseInput;
        const outcome = await terminal.commitPurchase({ ...body, idempotencyKey: idempotencyKeyOf(req) });
        // 202: accepted into the journal, not yet recorded by the server.
        return { status: outcome.status === 'recorded' ? 201 : 202, body: outcome };
      },
    },
    {
      method: 'POST',
      pattern: /^\/purchases\/([^/]+)\/returns$/,
      handler: async (req, m) => ({ status: 201, body: await terminal.returnPurchase(decodeURIComponent(m[1]), (await readJson(req)) as ReturnRequest, idempotencyKeyOf(req)) }),
    },
    {
      method: 'POST',
      pattern: /^\/purchases\/([^/]+)\/void$/,
      handler: async (req, m) => ({ status: 200, body: await terminal.voidPurchase(decodeURIComponent(m[1]), ((await readJson(req)) ?? {}) as VoidRequest, idempotencyKeyOf(req)) }),
    },
    { method: 'POST', pattern: /^\/journal\/replay$/, handler: async () => ({ status: 200, body: await terminal.replayJournal({ ignoreBackoff: true }) }) },
  ];

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bridge.local');
    const route = routes.map((r) => ({ r, m: r.method === req.method ? r.pattern.exec(url.pathname) : null })).find((x) => x.m);
    const run = route
      ? route.r.handler(req, route.m as RegExpExecArray, url)
      : Promise.reject(new BridgeError(404, 'ROUTE_NOT_FOUND', `No route ${req.method} ${url.pathname}`));
    run.then(
      (answer) => send(res, answer.status, answer.body),
      (err: unknown) => sendError(res, err),
    );
  });
}

/** Listens on 127.0.0.1 only; port 0 picks a free port. */
export async function listenBridge(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** The POS's own key when it sends one (so its retries are safe end to end); otherwise a new one for this call. */
function idempotencyKeyOf(req: IncomingMessage): string {
  const given = req.headers['idempotency-key'];
  if (given === undefined) return newIdempotencyKey();
  const parsed = IdempotencyKeySchema.safeParse(given);
  if (!parsed.success) throw new BridgeError(400, 'VALIDATION_FAILED', 'Idempotency-Key: 8–128 letters, digits and . _ : -');
  return parsed.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BridgeError(413, 'PAYLOAD_TOO_LARGE', 'body larger than 1 MB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BridgeError(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof BridgeError) return send(res, err.status, { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
  if (err instanceof TallyApiError) return send(res, err.status, { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
  if (err instanceof InvalidCardCodeError) return send(res, 400, { error: { code: err.code, message: err.message } });
  if (err instanceof OfflineOfferRefusedError) return send(res, 409, { error: { code: err.code, message: err.message, details: { offers: err.offers } } });
  if (err instanceof OfflineRedemptionError) return send(res, 409, { error: { code: 'OFFLINE_REDEMPTION', message: err.message, details: { idempotencyKey: err.idempotencyKey } } });
  if (err instanceof TallyUnavailableError) {
    return send(res, 503, { error: { code: 'TALLY_UNAVAILABLE', message: err.message, ...(err.idempotencyKey ? { details: { idempotencyKey: err.idempotencyKey } } : {}) } });
  }
  send(res, 500, { error: { code: 'BRIDGE_ERROR', message: err instanceof Error ? err.message : String(err) } });
}
