import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { AppError } from '../../../src/http/errors';
import { errorHandler } from '../../../src/http/error-handler';

/** An app whose routes throw, with the real error handler and a logger we can read. */
function appThatThrows() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const app = express();
  app.use((req, _res, next) => {
    (req as unknown as { id: string }).id = 'req-42';
    next();
  });
  app.get('/boom', () => {
    throw new Error('secret internal detail: password=hunter2');
  });
  app.get('/known', () => {
    throw new AppError('CONFLICT', 'Already done', { field: 'x' });
  });
  app.use(errorHandler(log));
  return { app, lines };
}

describe('error handler', () => {
  it('answers an unexpected error with a plain 500 and logs it with the request id', async () => {
    const { app, lines } = appThatThrows();
    const res = await request(app).get('/boom').expect(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(res.body.error.requestId).toBe('req-42');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(JSON.stringify(res.body)).not.toContain('stack');
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: 'req-42' });
    expect(logged.err.message).toContain('secret internal detail');
  });

  it('keeps the code, status and details of a known error', async () => {
    const { app } = appThatThrows();
    const res = await request(app).get('/known').expect(409);
    expect(res.body).toEqual({ error: { code: 'CONFLICT', message: 'Already done', details: { field: 'x' }, requestId: 'req-42' } });
  });
});
