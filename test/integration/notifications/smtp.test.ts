import { Notification } from '../../../src/notifications/notification.entity';
import { NotificationsService } from '../../../src/notifications/notifications.service';
import { createMerchantFixture } from '../../support/factories';
import { startMailServer, type TestMailServer } from '../../support/smtp';
import { describeEachDb } from '../../support/test-runtime';
import { eventually } from '../../support/wait';

describeEachDb('email through an SMTP server', (rt) => {
  let mail: TestMailServer;
  let service: NotificationsService;

  beforeAll(async () => {
    mail = await startMailServer();
    service = new NotificationsService({ ...rt(), config: { ...rt().config, smtp: { url: mail.url, from: 'Corner Shop <shop@corner.example>' } } });
  });
  afterAll(() => mail.close());

  it('delivers an email with its subject and text in any script, the notification id as Message-ID, and marks it sent', async () => {
    const a = await createMerchantFixture(rt());
    const id = await rt().db.transaction((tx) =>
      service.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'email', destination: 'somchai@example.test', template: 'feedback-thanks', subject: 'ขอบคุณสำหรับความคิดเห็นของคุณ', body: 'ขอบคุณที่ซื้อสินค้ากับเรา\nСпасибо! 谢谢' }),
    );
    await service.send(id);
    const got = await eventually(() => mail.received.find((m) => m.messageId === `<${id}@corner.example>`) ?? Promise.reject(new Error('not yet')));
    expect(got.subject).toBe('ขอบคุณสำหรับความคิดเห็นของคุณ');
    expect(got.text?.trim()).toBe('ขอบคุณที่ซื้อสินค้ากับเรา\nСпасибо! 谢谢');
    expect(got.from?.text).toBe('"Corner Shop" <shop@corner.example>');
    expect(got.to && !Array.isArray(got.to) ? got.to.text : '').toBe('somchai@example.test');
    expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('keeps the message queued for a retry when the server refuses it, and does not send SMS there', async () => {
    const a = await createMerchantFixture(rt());
    const id = await rt().db.transaction((tx) => service.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'email', destination: 'nobody@example.test', template: 'feedback-thanks', subject: 'Thanks', body: 'Thank you' }));
    mail.refuse = true;
    try {
      await expect(service.send(id)).rejects.toThrow(/550|mailbox unavailable/);
    } finally {
      mail.refuse = false;
    }
    expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'queued', attempts: 1, body: 'Thank you' });
    await service.send(id);
    expect(await rt().db.manager.findOneByOrFail(Notification, { id })).toMatchObject({ status: 'sent', attempts: 2 });

    expect(mail.received.filter((m) => m.messageId?.startsWith(`<${id}@`))).toHaveLength(1);
    const before = mail.received.length;
    const sms = await rt().db.transaction((tx) => service.enqueue(tx, { merchantId: a.merchant.id, memberId: null, channel: 'sms', destination: '+15555550100', template: 'feedback-thanks', body: 'Thank you' }));
    await service.send(sms);
    expect(mail.received.length).toBe(before);
    expect(await rt().db.manager.findOneByOrFail(Notification, { id: sms })).toMatchObject({ status: 'sent' });
  });
});
