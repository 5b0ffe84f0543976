import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import request from 'supertest';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { createTestRuntime, describeEachDb, type TestRuntime } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen, uniqueKey } from '../pos/till-helpers';

/** A scrape parsed: family types, and samples as "name{labels}" → value. */
function parse(text: string): { types: Map<string, string>; samples: Map<string, number> } {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const l of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(l);
    if (type) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(l);
    if (sample) samples.set(sample[1], Number(sample[2]));
  }
  return { types, samples };
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachDb(
  'GET /metrics',
  (rt) => {
    let server: Server;
    let a: MerchantFixture;

    beforeAll(async () => {
      server = await listen(rt());
      a = await createMerchantFixture(rt());
    });
    afterAll(() => closeServer(server));

    it('serves route latency, till commits and errors by code, queue and outbox figures in the Prometheus format', async () => {
      const ana = await enrol(server, a);
      await request(server).get(`/v1/members/${ana.memberId}`).set(auth(a.tokens.owner)).expect(200);
      const key = uniqueKey();
      const body = { memberId: ana.memberId, receiptNumber: uniqueKey('R'), occurredAt: new Date().toISOString(), lines: [line('MILK', 'dairy', 1000, 250)] };
      await commit(server, a, body, key).expect(201);
      await commit(server, a, body, key).expect(200);
      await commit(server, a, { lines: [] }).expect(400);

      const res = await request(server).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.headers['cache-control']).toBe('no-store');
      const { types, samples } = parse(res.text);
      expect(Object.fromEntries([...types].filter(([name]) => /^tally_(http|till|queue|outbox)_/.test(name)))).toEqual({
        tally_http_request_duration_seconds: 'histogram',
        tally_till_commits_total: 'counter',
        tally_till_errors_total: 'counter',
        tally_queue_jobs: 'gauge',
        tally_queue_oldest_waiting_seconds: 'gauge',
        tally_queue_up: 'gauge',
        tally_outbox_pending_rows: 'gauge',
        tally_outbox_failing_rows: 'gauge',
        tally_outbox_lag_seconds: 'gauge',
      });
      expect(types.get('tally_process_cpu_seconds_total')).toBe('counter');

      // By route pattern, never by raw URL.
      expect(samples.get('tally_http_request_duration_seconds_count{method="GET",route="/v1/members/:memberId",status="2xx"}')).toBe(1);
      expect(res.text).not.toContain(ana.memberId);
      expect(samples.get('tally_http_request_duration_seconds_count{method="POST",route="/v1/pos/purchases",status="2xx"}')).toBe(2);
      expect(samples.get('tally_till_commits_total{outcome="recorded"}')).toBe(1);
      expect(samples.get('tally_till_commits_total{outcome="replayed"}')).toBe(1);
      expect(samples.get('tally_till_errors_total{route="POST /v1/pos/purchases",code="VALIDATION_FAILED"}')).toBe(1);

      expect(samples.get('tally_queue_up')).toBe(1);
      expect(samples.get('tally_queue_jobs{queue="events.dispatch",state="waiting"}')).toBeGreaterThanOrEqual(0);
      expect(samples.get('tally_queue_oldest_waiting_seconds{queue="events.dispatch"}')).toBeGreaterThanOrEqual(0);
      // No relay runs in this test, so the sales' outbox rows are still owed.
      expect(samples.get('tally_outbox_pending_rows')).toBeGreaterThanOrEqual(1);
      expect(samples.get('tally_outbox_failing_rows')).toBe(0);
      expect(samples.get('tally_outbox_lag_seconds')).toBeGreaterThan(0);
    });

    it('without METRICS_TOKEN, refuses a request that came through a proxy or from another machine', async () => {
      const refused = await request(server).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      await request(server).get('/metrics').set('Forwarded', 'for=203.0.113.9').expect(403);
      // From this machine's own non-loopback address, when it has one.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (!external) return;
      const open = await new Promise<Server>((resolve) => {
        const s = createServer(rt().app).listen(0, '0.0.0.0', () => resolve(s));
      });
      try {
        const port = (open.address() as { port: number }).port;
        await request(`http://${external.address}:${port}`).get('/metrics').expect(403);
        await request(`http://${external.address}:${port}`).get('/healthz').expect(200);
      } finally {
        await closeServer(open);
      }
    });
  },
  { redis: true },
);

describe('GET /metrics with METRICS_TOKEN', () => {
  let rt: TestRuntime;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    rt = await createTestRuntime('sqlite', { env: { METRICS_TOKEN: token } });
  });
  afterAll(() => rt.close());

  it('wants the bearer token, even from this machine', async () => {
    await request(rt.app).get('/metrics').expect(403);
    await request(rt.app).get('/metrics').set(auth('metrics-token-wrong-000000')).expect(403);
    await request(rt.app).get('/metrics').set(auth(token.slice(0, -1))).expect(403);
    const res = await request(rt.app).get('/metrics').set(auth(token)).set('X-Forwarded-For', '203.0.113.9').expect(200);
    expect(parse(res.text).types.get('tally_http_request_duration_seconds')).toBe('histogram');
  });
});
