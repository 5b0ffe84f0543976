import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { IsNull } from 'typeorm';
import type { DomainEvent } from '../../../src/events/event-types';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { startJobs, type RunningJobs } from '../../../src/jobs/start-jobs';
import { verifySignature } from '../../../src/webhooks/signature';
import { WebhookDelivery } from '../../../src/webhooks/webhook-delivery.entity';
import { WebhookSubscription } from '../../../src/webhooks/webhook-subscription.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, commit, enrol, line, listen } from '../pos/till-helpers';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint on 127.0.0.1 that records every request and answers with the status `answer()` gives. */
async function startReceiver(answer: () => number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answer();
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tally`, received };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachDb(
  'merchant webhooks',
  (rt) => {
    let app: Server;
    let a: MerchantFixture;
    let b: MerchantFixture;
    let jobs: RunningJobs;
    let status = 200;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    beforeAll(async () => {
      app = await listen(rt());
      a = await createMerchantFixture(rt());
      b = await createMerchantFixture(rt());
      receiver = await startReceiver(() => status);
      jobs = await startJobs(rt(), { consume: true, relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    });
    afterAll(async () => {
      await jobs.stop();
      await closeServer(receiver.server);
      await closeServer(app);
    });
    beforeEach(() => {
      status = 200;
    });

    const subscribe = (f: MerchantFixture, events: string[], url = receiver.url) =>
      request(app).post('/v1/webhooks/subscriptions').set(bearer(f.tokens.owner)).send({ url, events, description: 'ERP' });

    it('creates, lists, updates and deletes subscriptions: owners and managers only, the secret shown once', async () => {
      const created = await subscribe(a, ['member.enrolled', 'purchase.recorded']).expect(201);
      expect(created.body).toMatchObject({ url: receiver.url, events: ['purchase.recorded', 'member.enrolled'], enabled: true, consecutiveFailures: 0 });
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const id = created.body.id;

      const list = await request(app).get('/v1/webhooks/subscriptions').set(bearer(a.tokens.manager)).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(id);
      expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
      const one = await request(app).get(`/v1/webhooks/subscriptions/${id}`).set(bearer(a.tokens.manager)).expect(200);
      expect(one.body.secret).toBeUndefined();

      const patched = await request(app).patch(`/v1/webhooks/subscriptions/${id}`).set(bearer(a.tokens.manager)).send({ events: ['points.changed'], description: null }).expect(200);
      expect(patched.body).toMatchObject({ events: ['points.changed'], description: null });
      const types = await request(app).get('/v1/webhooks/event-types').set(bearer(a.tokens.owner)).expect(200);
      expect(types.body.items).toContainEqual(expect.objectContaining({ type: 'purchase.recorded', version: 1 }));
      // Receivers find every event in the OpenAPI document's webhooks, with the signature headers.
      const doc = (await request(app).get('/openapi.json').expect(200)).body;
      expect(Object.keys(doc.webhooks).sort()).toEqual(types.body.items.map((t: { type: string }) => t.type).sort());
      expect(JSON.stringify(doc.webhooks['purchase.recorded'])).toContain('x-tally-signature');

      await request(app).delete(`/v1/webhooks/subscriptions/${id}`).set(bearer(a.tokens.owner)).expect(204);
      await request(app).get(`/v1/webhooks/subscriptions/${id}`).set(bearer(a.tokens.owner)).expect(404);
    });

    it('refuses bad input with details and writes nothing; cashiers get 403; another merchant gets 404', async () => {
      const count = () => rt().db.manager.count(WebhookSubscription);
      const before = await count();
      const http = await subscribe(a, ['purchase.recorded'], 'http://example.com/hook').expect(400);
      expect(http.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.url' }] });
      const unknown = await subscribe(a, ['purchase.exploded']).expect(400);
      expect(unknown.body.error.details[0].path).toBe('body.events.0');
      await subscribe(a, []).expect(400);
      const rtl = await request(app).post('/v1/webhooks/subscriptions').set(bearer(a.tokens.owner)).send({ url: receiver.url, events: ['purchase.recorded'], description: 'ERP\u202Eexe.' }).expect(400);
      expect(rtl.body.error.details[0].path).toBe('body.description');
      await request(app).post('/v1/webhooks/subscriptions').set(bearer(a.tokens.owner)).send({ url: receiver.url, events: ['purchase.recorded'], merchantId: b.merchant.id }).expect(400);
      await request(app).post('/v1/webhooks/subscriptions').set(bearer(a.tokens.cashier)).send({ url: receiver.url, events: ['purchase.recorded'] }).expect(403);
      await request(app).get('/v1/webhooks/subscriptions').set(bearer(a.tokens.terminal)).expect(403);
      expect(await count()).toBe(before);

      const theirs = (await subscribe(b, ['purchase.recorded']).expect(201)).body.id;
      await request(app).get(`/v1/webhooks/subscriptions/${theirs}`).set(bearer(a.tokens.owner)).expect(404);
      await request(app).patch(`/v1/webhooks/subscriptions/${theirs}`).set(bearer(a.tokens.owner)).send({ enabled: false }).expect(404);
      await request(app).delete(`/v1/webhooks/subscriptions/${theirs}`).set(bearer(a.tokens.owner)).expect(404);
      await request(app).get(`/v1/webhooks/subscriptions/${theirs}/deliveries`).set(bearer(a.tokens.owner)).expect(404);
      await request(app).post(`/v1/webhooks/subscriptions/${theirs}/test`).set(bearer(a.tokens.owner)).expect(404);
      const mine = await request(app).get('/v1/webhooks/subscriptions').set(bearer(a.tokens.owner)).expect(200);
      expect(mine.body.items.map((s: { id: string }) => s.id)).not.toContain(theirs);
      await request(app).delete(`/v1/webhooks/subscriptions/${theirs}`).set(bearer(b.tokens.owner)).expect(204);
    });

    it('delivers a sale to the endpoint through the outbox and the queue, signed with the secret and a timestamp', async () => {
      const created = (await subscribe(a, ['purchase.recorded']).expect(201)).body;
      const otherMerchant = (await subscribe(b, ['purchase.recorded']).expect(201)).body;
      const ana = await enrol(app, a, 'Ana');
      const sale = await commit(app, a, { memberId: ana.memberId, lines: [line('MILK', 'dairy', 1000, 250)] }).expect(201);
      const purchaseId = sale.body.purchase.id;

      await until('the delivery', () => receiver.received.some((r) => r.body.includes(purchaseId)));
      const got = receiver.received.find((r) => r.body.includes(purchaseId)) as Received;
      const event = JSON.parse(got.body);
      expect(event).toMatchObject({ type: 'purchase.recorded', version: 1, merchantId: a.merchant.id, data: { purchaseId, memberId: ana.memberId, totalMinor: 250 } });
      expect(got.headers['x-tally-event-id']).toBe(event.id);
      expect(got.headers['x-tally-event-type']).toBe('purchase.recorded');
      expect(verifySignature(created.secret, got.headers['x-tally-signature'] as string, got.headers['x-tally-timestamp'] as string, got.body)).toBe(true);
      expect(verifySignature(otherMerchant.secret, got.headers['x-tally-signature'] as string, got.headers['x-tally-timestamp'] as string, got.body)).toBe(false);
      // A replay of the same signed body an hour later is refused by the receiver's clock check.
      const later = Number(got.headers['x-tally-timestamp']) + 3600;
      expect(verifySignature(created.secret, got.headers['x-tally-signature'] as string, got.headers['x-tally-timestamp'] as string, got.body, later)).toBe(false);

      await until('the log shows it', async () => (await rt().db.manager.findOneBy(WebhookDelivery, { subscriptionId: created.id }))?.status === 'succeeded');
      const log = await request(app).get(`/v1/webhooks/subscriptions/${created.id}/deliveries`).set(bearer(a.tokens.manager)).expect(200);
      expect(log.body.items).toEqual([expect.objectContaining({ eventId: event.id, eventType: 'purchase.recorded', status: 'succeeded', attempts: 1, responseCode: 200, lastError: null })]);
      // Merchant B's endpoint never sees merchant A's sale.
      expect(await rt().db.manager.countBy(WebhookDelivery, { subscriptionId: otherMerchant.id })).toBe(0);
      await request(app).delete(`/v1/webhooks/subscriptions/${created.id}`).set(bearer(a.tokens.owner)).expect(204);
      await request(app).delete(`/v1/webhooks/subscriptions/${otherMerchant.id}`).set(bearer(b.tokens.owner)).expect(204);
    });

    it('retries with backoff, disables the subscription after repeated failure, and the owner enables it again', async () => {
      status = 503;
      const created = (await subscribe(a, ['member.updated']).expect(201)).body;
      const memberIds = [(await enrol(app, a, 'Bo')).memberId, (await enrol(app, a, 'Cy')).memberId];
      for (const id of memberIds) await request(app).patch(`/v1/members/${id}`).set(bearer(a.tokens.manager)).send({ lastName: 'Changed' }).expect(200);

      const sub = () => rt().db.manager.findOneByOrFail(WebhookSubscription, { id: created.id });
      await until('the subscription disabled', async () => !(await sub()).enabled);
      const log = await request(app).get(`/v1/webhooks/subscriptions/${created.id}/deliveries?status=failed`).set(bearer(a.tokens.owner)).expect(200);
      expect(log.body.items).toHaveLength(2);
      for (const d of log.body.items) expect(d).toMatchObject({ status: 'failed', attempts: 3, responseCode: 503, lastError: 'answered 503', nextAttemptAt: null });
      // Tries of one delivery are spaced: the retries came after the backoff.
      const tries = receiver.received.filter((r) => r.headers['x-tally-delivery-id'] === log.body.items[0].id);
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((t) => t.headers['x-tally-event-id'])).size).toBe(1);
      expect(await sub()).toMatchObject({ enabled: false, consecutiveFailures: 2, disabledReason: 'disabled after 2 failed deliveries in a row' });

      // While disabled, new events are not delivered.
      const sent = receiver.received.length;
      await request(app).patch(`/v1/members/${memberIds[0]}`).set(bearer(a.tokens.manager)).send({ lastName: 'Again' }).expect(200);
      await until('that event handed to its subscribers', async () => {
        const rows = await rt().db.manager.findBy(OutboxEntry, { merchantId: a.merchant.id, jobName: DISPATCH_EVENT_JOB, completedAt: IsNull() });
        return rows.every((r) => (r.payload as DomainEvent).type !== 'member.updated');
      });

      // The test route still reaches a disabled endpoint, so the owner can check it before enabling.
      status = 204;
      const test = await request(app).post(`/v1/webhooks/subscriptions/${created.id}/test`).set(bearer(a.tokens.owner)).expect(200);
      expect(test.body).toMatchObject({ eventType: 'webhook.test', status: 'succeeded', attempts: 1, responseCode: 204 });
      const enabled = await request(app).patch(`/v1/webhooks/subscriptions/${created.id}`).set(bearer(a.tokens.owner)).send({ enabled: true }).expect(200);
      expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });

      await request(app).patch(`/v1/members/${memberIds[1]}`).set(bearer(a.tokens.manager)).send({ lastName: 'Back' }).expect(200);
      await until('a delivery after re-enabling', () => receiver.received.slice(sent).some((r) => r.body.includes(memberIds[1]) && r.headers['x-tally-event-type'] === 'member.updated'));
      expect(receiver.received.slice(sent).some((r) => r.body.includes(memberIds[0]) && r.headers['x-tally-event-type'] === 'member.updated')).toBe(false);
    });

    it('answers a test send to an endpoint that is down with the failure, without retrying', async () => {
      const down = await startReceiver(() => 200);
      await closeServer(down.server);
      const created = (await subscribe(a, ['purchase.recorded'], down.url).expect(201)).body;
      const test = await request(app).post(`/v1/webhooks/subscriptions/${created.id}/test`).set(bearer(a.tokens.owner)).expect(200);
      expect(test.body).toMatchObject({ status: 'failed', attempts: 1, responseCode: null });
      expect(test.body.lastError).toMatch(/fetch failed|ECONNREFUSED/);
      expect(await rt().db.manager.findOneByOrFail(WebhookSubscription, { id: created.id })).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    });

    it('prunes finished deliveries older than 30 days from the log', async () => {
      const created = (await subscribe(a, ['purchase.recorded']).expect(201)).body;
      const owner = { kind: 'staff', merchantId: a.merchant.id, userId: a.owner.id, role: 'owner', storeIds: null } as const;
      const old = await rt().services.webhooks.testSend(owner, created.id, new Date(Date.now() - 31 * 86_400_000));
      const recent = await rt().services.webhooks.testSend(owner, created.id);
      expect(await rt().services.webhooks.pruneDeliveries()).toBeGreaterThanOrEqual(1);
      expect(await rt().db.manager.existsBy(WebhookDelivery, { id: old.id })).toBe(false);
      expect(await rt().db.manager.existsBy(WebhookDelivery, { id: recent.id })).toBe(true);
    });
  },
  { redis: true, env: { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_DISABLE_AFTER: '2' } },
);
