import request from 'supertest';
import { describeEachDb } from '../../support/test-runtime';

describeEachDb('health and error model', (rt) => {
  it('answers /healthz and /readyz with the checks', async () => {
    await request(rt().app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(rt().app).get('/readyz').expect(200);
    expect(ready.body.checks).toMatchObject({ database: 'ok', migrations: 'ok' });
  });

  it('gives a structured 404 with the request id it was sent', async () => {
    const res = await request(rt().app).get('/v1/nothing-here').set('X-Request-Id', 'abc-123').expect(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /v1/nothing-here', requestId: 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('refuses broken JSON with 400, other content types with 415, huge bodies with 413', async () => {
    const app = rt().app;
    const broken = await request(app).post('/healthz').set('Content-Type', 'application/json').send('{"a":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('MALFORMED_JSON');
    const text = await request(app).post('/healthz').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await request(app).post('/healthz').set('Content-Type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(300_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves the OpenAPI 3.1 document and the docs page', async () => {
    const doc = await request(rt().app).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/healthz']).toBeDefined();
    const page = await request(rt().app).get('/docs/').expect(200);
    expect(page.text).toContain('swagger-ui');
  });
});
