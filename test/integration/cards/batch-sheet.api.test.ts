import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

/** Issue 15, finding 10: a 5,000-card sheet (55 MB of HTML) was built in one piece and blocked the server for ~9 s. */
describeEachDb('card batch sheets are capped and streamed', (rt) => {
  let a: MerchantFixture;
  let batchId: string;
  let server: Server;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    a = await createMerchantFixture(rt());
    batchId = (await request(rt().app).post('/v1/card-batches').set(auth(a.tokens.manager)).send({ count: 105 }).expect(201)).body.id;
    server = rt().app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers 400 for more cards than one sheet may hold, and names the next sheet', async () => {
    const tooMany = await request(rt().app).get(`/v1/card-batches/${batchId}/sheet.html?limit=501`).set(auth(a.tokens.manager)).expect(400);
    expect(tooMany.body.error.details[0].path).toBe('query.limit');
    const first = await request(rt().app).get(`/v1/card-batches/${batchId}/sheet.html?limit=100`).set(auth(a.tokens.manager)).expect(200);
    expect(first.text.match(/<svg/g)).toHaveLength(100);
    expect(first.text).toContain('cards 1–100 of 105');
    expect(first.text.trimEnd().endsWith('</html>')).toBe(true);
    expect(first.headers.link).toBe(`</v1/card-batches/${batchId}/sheet.html?offset=100&limit=100>; rel="next"`);
    const second = await request(rt().app).get(`/v1/card-batches/${batchId}/sheet.html?offset=100&limit=100`).set(auth(a.tokens.manager)).expect(200);
    expect(second.text.match(/<svg/g)).toHaveLength(5);
    expect(second.headers.link).toBeUndefined();
  });

  it('keeps serving other requests while a sheet streams', async () => {
    const { port } = server.address() as AddressInfo;
    const events: string[] = [];
    const sheetDone = new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: `/v1/card-batches/${batchId}/sheet.html?limit=100`, headers: auth(a.tokens.manager) }, (res: IncomingMessage) => {
        let asked = false;
        res.on('data', () => {
          if (asked) return;
          asked = true;
          // The sheet has started: a health check sent now must be answered before the sheet ends.
          void request(server)
            .get('/healthz')
            .then((health) => events.push(`health ${health.status}`), reject);
        });
        res.on('end', () => {
          events.push('sheet end');
          resolve();
        });
        res.on('error', reject);
      }).on('error', reject);
    });
    await sheetDone;
    expect(events).toEqual(['health 200', 'sheet end']);
  });
});
