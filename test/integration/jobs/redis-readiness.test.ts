import request from 'supertest';
import { createApp } from '../../../src/app';
import { BullJobQueue } from '../../../src/jobs/bull-job-queue';
import { createServices } from '../../../src/services';
import { describeEachDb } from '../../support/test-runtime';

describeEachDb('readiness with Redis down', (rt) => {
  it('reports redis unreachable on /readyz within a few seconds', async () => {
    const { config, db, log } = rt();
    const queue = new BullJobQueue('redis://127.0.0.1:1', log, { prefix: 'tally-test-down' });
    try {
      const deps = { config, db, log, queue };
      const app = createApp({ ...deps, services: createServices(deps) });
      const started = Date.now();
      const res = await request(app).get('/readyz');
      // A load balancer reads the status code, not the body.
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'ok', migrations: 'ok', redis: 'unreachable' } });
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      await queue.close();
    }
  });
});
