import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDataSource } from '../../../src/db/data-source';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { freePort, signalProcess, startProcess, whileRunning, type Proc } from '../../support/processes';
import { createTestRuntime } from '../../support/test-runtime';
import { eventually } from '../../support/wait';

const ROOT = resolve(__dirname, '../../..');

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((done, fail) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
  });
}

/**
 * Issue 14: after "shutting down" a sale sent on an open keep-alive
 * connection was still accepted, and stopping always took the full 10 s.
 * A real api process on SQLite, a till talking through a keep-alive agent.
 */
describe('graceful shutdown of a real api process with keep-alive connections', () => {
  let proc: Proc | undefined;
  let shop: MerchantFixture;
  let file: string;

  afterAll(() => {
    if (proc) signalProcess(proc, 'SIGKILL');
  });

  it('finishes the sale in flight, refuses the next one on the same connection, and exits cleanly', async () => {
    const rt = await createTestRuntime('sqlite', { sqliteFile: true });
    shop = await createMerchantFixture(rt);
    const database = rt.config.database;
    if (database.kind !== 'sqlite') throw new Error('expected SQLite');
    file = database.file;
    await rt.close();

    const port = await freePort();
    // One node process with tsx as a loader (the tsx CLI would put a wrapper process between the signal and the server).
    proc = startProcess(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'tally-stop-')),
        DATABASE_URL: `sqlite:${file}`,
        JWT_SECRET: 'test-secret-test-secret-test-secret-123456',
      },
    });
    const running = proc;
    await whileRunning(
      running,
      eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), 90_000, 200),
    );

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sale = (receiptNumber: string) =>
      JSON.stringify({ receiptNumber, occurredAt: new Date().toISOString(), lines: [{ sku: 'MILK', category: 'dairy', quantity: 1000, unitPriceMinor: 4500 }] });
    const post = (body: string, key: string, extra: Record<string, string> = {}) =>
      httpRequest({
        host: '127.0.0.1',
        port,
        agent,
        method: 'POST',
        path: '/v1/pos/purchases',
        headers: { Authorization: `Bearer ${shop.tokens.terminal}`, 'Idempotency-Key': key, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra },
      });

    // The connection is open and kept alive: one sale goes through.
    const firstBody = sale('R-1');
    const first = post(firstBody, 'sale-key-1');
    const firstAnswer = answerOf(first);
    first.end(firstBody);
    const firstDone = await firstAnswer;
    expect(firstDone.status === 201 ? 201 : firstDone.body).toBe(201);

    // A sale is on its way when the process is told to stop: the server has its headers (it answered
    // "100 Continue"), the body is still to come.
    const body = sale('R-2');
    const inFlight = post(body, 'sale-key-2', { Expect: '100-continue' });
    const inFlightAnswer = answerOf(inFlight);
    const headersTaken = new Promise((done) => inFlight.once('continue', done));
    inFlight.flushHeaders();
    await headersTaken;
    signalProcess(running, 'SIGTERM');
    await eventually(() => expect(running.output()).toContain('shutting down'), 10_000, 20);
    inFlight.end(body);
    // Work already taken is finished, and the answer closes the connection.
    const taken = await inFlightAnswer;
    expect(taken.status).toBe(201);
    expect(taken.headers.connection).toBe('close');

    // The next sale on the same agent is not accepted: the connection is gone and nobody listens.
    const lateBody = sale('R-3');
    const late = post(lateBody, 'sale-key-3');
    const lateAnswer = answerOf(late).then(
      (a) => a.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    late.end(lateBody);
    expect(await lateAnswer).toBe('ECONNREFUSED');

    // It exits by itself with 0 (the 10 s guard would exit with 1 and say so).
    expect(await running.exited).toBe(0);
    expect(running.output()).not.toContain('shutdown took longer');
    agent.destroy();

    const dataSource = createDataSource({ kind: 'sqlite', file });
    await dataSource.initialize();
    try {
      const receipts = (await dataSource.manager.find(Purchase, { where: { merchantId: shop.merchant.id }, order: { receiptNumber: 'ASC' } })).map((p) => p.receiptNumber);
      expect(receipts).toEqual(['R-1', 'R-2']);
    } finally {
      await dataSource.destroy();
    }
  }, 120_000);
});
