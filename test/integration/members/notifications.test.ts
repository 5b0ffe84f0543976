import type { ChannelAdapter, OutgoingMessage } from '../../../src/notifications/channels';
import { Notification } from '../../../src/notifications/notification.entity';
import { NotificationsService } from '../../../src/notifications/notifications.service';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

/** An SMS provider that is down: what a real adapter does when its HTTP call fails. */
class UnreachableProvider implements ChannelAdapter {
  readonly name = 'unreachable';
  calls: OutgoingMessage[] = [];
  async send(message: OutgoingMessage): Promise<void> {
    this.calls.push(message);
    throw new Error('provider unreachable');
  }
}

describeEachDb('notification outbox', (rt) => {
  let a: MerchantFixture;
  beforeAll(async () => {
    a = await createMerchantFixture(rt());
  });

  it('writes the message and its send job in the caller transaction, and nothing when it rolls back', async () => {
    const { notifications } = rt().services;
    const id = await rt().db.transaction((tx) =>
      notifications.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'email', destination: 'a@example.test', template: 'hello', subject: 'Hi', body: 'Hello' }),
    );
    expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'queued', attempts: 0, sensitive: false });
    const jobs = await rt().db.manager.findBy(OutboxEntry, { jobName: 'notifications.send' });
    expect(jobs.map((j) => j.payload)).toContainEqual({ notificationId: id });

    const before = await rt().db.manager.count(Notification);
    await expect(
      rt().db.transaction(async (tx) => {
        await notifications.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'sms', destination: '+15555550100', template: 'hello', body: 'x' });
        throw new Error('business step failed');
      }),
    ).rejects.toThrow('business step failed');
    expect(await rt().db.manager.count(Notification)).toBe(before);
  });

  it('records failed deliveries for the queue to retry, then gives up and clears sensitive text', async () => {
    const provider = new UnreachableProvider();
    const service = new NotificationsService(rt(), { sms: provider });
    const id = await rt().db.transaction((tx) =>
      service.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'sms', destination: '+15555550101', template: 'sign-in-code', body: 'code 123456', sensitive: true }),
    );
    for (let attempt = 1; attempt < 5; attempt++) {
      await expect(service.send(id)).rejects.toThrow('provider unreachable');
      expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'queued', attempts: attempt, lastError: 'Error: provider unreachable' });
    }
    await service.send(id);
    expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'failed', attempts: 5, body: null });
    await service.send(id);
    expect(provider.calls).toHaveLength(5);
  });
});
