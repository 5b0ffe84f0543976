import request from 'supertest';
import { createApp } from '../../../src/app';
import { startProbeServer } from '../../../src/health/probe-server';
import { BullJobQueue } from '../../../src/jobs/bull-job-queue';
import { composeModules } from '../../../src/module';
import { modules } from '../../../src/modules';
import { describeEachDb } from '../../support/test-runtime';

describeEachDb('readiness with Redis down', (rt) => {
  it('keeps an api process ready (the till works) and reports Redis as unreachable', async () => {
    const { config, db, log } = rt();
    const queue = new BullJobQueue('redis://127.0.0.1:1', log, { prefix: 'tally-test-down' });
    try {
      const deps = { config, db, log, queue };
      const app = createApp({ ...deps, ...composeModules(deps, modules) });
      // A load balancer reads the status code: a background outage must not take the till away.
      const res = await request(app).get('/readyz').expect(200);
      expect(res.body).toEqual({ status: 'degraded', checks: { database: 'ok', migrations: 'ok', redis: 'unreachable' } });
    } finally {
      await queue.close();
    }
  });

  it('takes a worker out of service: it can do nothing without Redis', async () => {
    const { config, db, log } = rt();
    const queue = new BullJobQueue('redis://127.0.0.1:1', log, { prefix: 'tally-test-down' });
    const deps = { config, db, log, queue };
    const server = await startProbeServer(composeModules(deps, modules).services.health, 'worker', 0, '127.0.0.1');
    try {
      await request(server).get('/healthz').expect(200, { status: 'ok' });
      const res = await request(server).get('/readyz').expect(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'ok', migrations: 'ok', redis: 'unreachable' } });
    } finally {
      await new Promise((done) => server.close(done));
      await queue.close();
    }
  });
});
