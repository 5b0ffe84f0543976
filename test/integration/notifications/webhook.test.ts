import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notification } from '../../../src/notifications/notification.entity';
import { NotificationsService } from '../../../src/notifications/notifications.service';
import { createMerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

/** A real HTTP gateway on 127.0.0.1 that records what it receives and answers with a chosen status. */
function startGateway(status: () => number): Promise<{ server: Server; url: string; received: { headers: IncomingMessage['headers']; body: string }[] }> {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = status();
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received })));
}

describeEachDb('notification webhook delivery', (rt) => {
  it('posts a signed message to the gateway, clears a sensitive text once sent, and retries on a gateway error', async () => {
    let answer = 502;
    const gateway = await startGateway(() => answer);
    try {
      const secret = 'gateway-secret-0123456789';
      const service = new NotificationsService({ ...rt(), config: { ...rt().config, notifyWebhook: { url: gateway.url, secret } } });
      const a = await createMerchantFixture(rt());
      const id = await rt().db.transaction((tx) =>
        service.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'sms', destination: '+15555550123', template: 'sign-in-code', body: 'Your code is 123456', sensitive: true }),
      );

      await expect(service.send(id)).rejects.toThrow('502');
      const afterFailure = await rt().db.manager.findOneByOrFail(Notification, { id });
      expect(afterFailure).toMatchObject({ status: 'queued', attempts: 1, body: 'Your code is 123456' });

      answer = 204;
      await service.send(id);
      const sent = await rt().db.manager.findOneByOrFail(Notification, { id });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, body: null });

      expect(gateway.received).toHaveLength(2);
      const last = gateway.received[1];
      expect(JSON.parse(last.body)).toEqual({ id, channel: 'sms', to: '+15555550123', subject: null, text: 'Your code is 123456' });
      expect(last.headers['x-tally-signature']).toBe(`sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`);
      expect(last.headers['idempotency-key']).toBe(id);

      // Delivered once: a duplicate job does nothing.
      await service.send(id);
      expect(gateway.received).toHaveLength(2);
    } finally {
      gateway.server.close();
    }
  });
});
