import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { mountWebApp } from '../../src/web/web';
import { createTestRuntime, type TestRuntime } from '../support/test-runtime';

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))})`;
const PAGE = '<!doctype html><div id="root"></div><script type="module" src="/assets/index-AbC123.js"></script>';

/** A built app in miniature: the page, one hashed asset with its .br and .gz twins (as the build writes them), the service worker. */
function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'index.html.gz'), gzipSync(PAGE));
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'index-AbC123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir, 'assets', 'index-AbC123.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  return dir;
}

/** A GET with its body as sent, undecoded (supertest and fetch decode brotli and gzip themselves). */
async function rawGet(app: express.Express, path: string, acceptEncoding: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((ok, fail) => {
      get({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', fail);
    });
  } finally {
    server.close();
  }
}

describe('serving the web app', () => {
  const app = express();
  mountWebApp(app, fakeDist());

  it('answers every app route with the page, revalidated, under a CSP that allows camera, QR images and the service worker', async () => {
    for (const path of ['/', '/setup', '/signin', '/terminal', '/portal', '/portal/0190aa00-0000-7000-8000-000000000000/history', '/admin', '/admin/members/x']) {
      const res = await request(app).get(path).expect(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain('media-src');
      expect(csp).toMatch(/media-src[^;]*mediastream:/);
      expect(csp).toMatch(/img-src[^;]*blob:/);
      expect(csp).toContain("worker-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });

  it('caches hashed assets for a year and the service worker not at all', async () => {
    const asset = await request(app).get('/assets/index-AbC123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const sw = await request(app).get('/sw.js').expect(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
  });

  it('sends the precompressed twin the browser accepts, brotli first, with the original type and Vary', async () => {
    const br = await rawGet(app, '/assets/index-AbC123.js', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(br.headers['vary']).toBe('Accept-Encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);

    const gz = await rawGet(app, '/assets/index-AbC123.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);

    const plain = await rawGet(app, '/assets/index-AbC123.js', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    expect((plain.body).toString()).toBe(SCRIPT);

    // The page of every app route too, still under its CSP and revalidated.
    const page = await rawGet(app, '/portal/x', 'gzip, br');
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(gunzipSync(page.body).toString()).toBe(PAGE);
  });

  it('does not fall back to the page for other paths', async () => {
    await request(app).get('/v1/members').expect(404);
    await request(app).get('/terminalx').expect(404);
    await request(app).get('/assets/missing.js').expect(404);
  });

  it('says how to build the app when it is missing', async () => {
    const bare = express();
    mountWebApp(bare, mkdtempSync(join(tmpdir(), 'tally-empty-')));
    const res = await request(bare).get('/admin').expect(503);
    expect(res.text).toContain('npm run build:web');
  });
});

describe('the API next to the web app', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime('sqlite');
  });
  afterAll(() => rt.close());

  it('keeps /v1, /openapi.json, /docs and /healthz out of the app fallback', async () => {
    const missing = await request(rt.app).get('/v1/no-such-route').expect(404);
    expect(missing.body.error.code).toBe('ROUTE_NOT_FOUND');
    expect((await request(rt.app).get('/openapi.json').expect(200)).body.openapi).toBe('3.1.0');
    expect((await request(rt.app).get('/docs/').expect(200)).text).toContain('swagger-ui');
    await request(rt.app).get('/healthz').expect(200, { status: 'ok' });
    const unknown = await request(rt.app).get('/no-such-page').expect(404);
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
