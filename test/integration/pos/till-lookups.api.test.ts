import type { Server } from 'node:http';
import request from 'supertest';
import { AuditEntry } from '../../../src/audit/audit-entry.entity';
import { Notification } from '../../../src/notifications/notification.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, enrol, line, listen, type Enrolled } from './till-helpers';

/** Issue 15, finding 5: one terminal token made ~42,000 lookups a minute, never limited. */
describeEachDb(
  'till lookups are limited per terminal and per merchant',
  (rt) => {
    let server: Server;
    let a: MerchantFixture;
    let b: MerchantFixture;
    let ana: Enrolled;
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });

    beforeAll(async () => {
      server = await listen(rt());
      a = await createMerchantFixture(rt());
      b = await createMerchantFixture(rt());
      ana = await enrol(server, a, 'Ana');
      await request(server).patch(`/v1/members/${ana.memberId}`).set(as(a.tokens.owner)).send({ lastName: 'Kowalska' }).expect(200);
    });
    afterAll(() => closeServer(server));
    beforeEach(() => {
      // Only the clock is fixed (to the start of this minute), so a window cannot roll over mid-test.
      jest.useFakeTimers({ now: Math.floor(Date.now() / 60_000) * 60_000 + 1000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    });
    afterEach(() => jest.useRealTimers());

    it('shows the till a greeting name, not the full name', async () => {
      const res = await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(as(a.tokens.terminal)).expect(200);
      expect(res.body.member.name).toBe('Ana K.');
    });

    it('refuses lookups over the terminal limit with 429, counting scans, searches and baskets with a card, and alerts the owner once', async () => {
      const scan = () => request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(as(a.tokens.terminal));
      jest.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
      for (let i = 0; i < 3; i++) await scan().expect(200);
      await request(server).get('/v1/pos/members').query({ number: ana.memberNumber }).set(as(a.tokens.terminal)).expect(200);
      await request(server).post('/v1/pos/baskets/evaluate').set(as(a.tokens.terminal)).send({ cardCode: ana.cardNumber, lines: [line('MILK', 'dairy', 1000, 100)] }).expect(200);
      const refused = await scan().expect(429);
      expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
      await request(server).get('/v1/pos/members').query({ number: '000000000000' }).set(as(a.tokens.terminal)).expect(429);
      await request(server).post('/v1/pos/baskets/evaluate').set(as(a.tokens.terminal)).send({ cardCode: ana.cardNumber, lines: [line('MILK', 'dairy', 1000, 100)] }).expect(429);
      // A basket without a card is no lookup and still prices.
      await request(server).post('/v1/pos/baskets/evaluate').set(as(a.tokens.terminal)).send({ lines: [line('MILK', 'dairy', 1000, 100)] }).expect(200);

      const audits = await rt().db.manager.findBy(AuditEntry, { merchantId: a.merchant.id, action: 'pos.lookups_limited' });
      expect(audits).toEqual([expect.objectContaining({ actorKind: 'terminal', entity: 'terminal', entityId: a.terminal.id })]);
      const alerts = await rt().db.manager.findBy(Notification, { merchantId: a.merchant.id, template: 'lookup-rate-alert' });
      expect(alerts.map((n) => n.destination)).toEqual([a.owner.email]);

      // The next minute the terminal works again; another merchant was never affected.
      await request(server).get(`/v1/pos/cards/${(await enrol(server, b, 'Bo')).cardNumber}`).set(as(b.tokens.terminal)).expect(200);
      jest.setSystemTime(Date.now() + 60_000);
      await scan().expect(200);
    });

    it('limits all tills of a merchant together', async () => {
      jest.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000 + 3 * 60_000);
      const cashierScan = () => request(server).get('/v1/pos/members').query({ number: ana.memberNumber }).set(as(a.tokens.cashier));
      for (let i = 0; i < 5; i++) await request(server).get(`/v1/pos/cards/${ana.cardNumber}`).set(as(a.tokens.terminal)).expect(200);
      for (let i = 0; i < 3; i++) await cashierScan().expect(200);
      await cashierScan().expect(429);
      const audits = await rt().db.manager.findBy(AuditEntry, { merchantId: a.merchant.id, action: 'pos.lookups_limited', entity: 'merchant' });
      expect(audits).toHaveLength(1);
    });
  },
  { env: { TILL_LOOKUPS_PER_MINUTE: '5', TILL_LOOKUPS_PER_MERCHANT_PER_MINUTE: '8' } },
);
