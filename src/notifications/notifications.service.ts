import { LessThan, type EntityManager } from 'typeorm';
import type { Deps } from '../deps';
import { newId } from '../db/ids';
import { enqueueInTransaction } from '../jobs/outbox';
import { LogChannelAdapter, SmtpChannelAdapter, WebhookChannelAdapter, type ChannelAdapter } from './channels';
import { Notification, type NotificationChannel } from './notification.entity';

export const SEND_NOTIFICATION_JOB = 'notifications.send';

/** After this many failed deliveries a notification is marked failed and no longer retried. */
const MAX_ATTEMPTS = 5;

export interface NewNotification {
  merchantId: string;
  memberId: string | null;
  channel: NotificationChannel;
  destination: string;
  template: string;
  subject?: string | null;
  body: string;
  /** Clear the body once delivered (e.g. a sign-in code). */
  sensitive?: boolean;
}

/**
 * The notification outbox: a message is stored in the caller's transaction
 * and delivered afterwards by the `notifications.send` job through a channel
 * adapter: email to the shop's mail server when SMTP_URL is set; the rest to
 * the shop's webhook gateway when configured, otherwise the log.
 */
export class NotificationsService {
  private readonly adapters: Record<NotificationChannel, ChannelAdapter>;

  constructor(
    private readonly deps: Deps,
    adapters?: Partial<Record<NotificationChannel, ChannelAdapter>>,
    console?: (line: string) => void,
  ) {
    const { notifyWebhook, smtp, env, logLevel } = deps.config;
    // LOG_LEVEL=silent (the test suites) keeps the console quiet too.
    const print = console ?? (logLevel === 'silent' ? () => undefined : undefined);
    const fallback = notifyWebhook ? new WebhookChannelAdapter(notifyWebhook.url, notifyWebhook.secret) : new LogChannelAdapter(deps.log, env !== 'production', print);
    this.adapters = { sms: adapters?.sms ?? fallback, email: adapters?.email ?? (smtp ? new SmtpChannelAdapter(smtp.url, smtp.from) : fallback) };
  }

  async enqueue(tx: EntityManager, input: NewNotification, now = new Date()): Promise<string> {
    const id = newId(now.getTime());
    await tx.insert(Notification, {
      id,
      merchantId: input.merchantId,
      memberId: input.memberId,
      channel: input.channel,
      destination: input.destination,
      template: input.template,
      subject: input.subject ?? null,
      body: input.body,
      sensitive: input.sensitive ?? false,
      status: 'queued',
      attempts: 0,
      lastError: null,
      createdAt: now,
      sentAt: null,
    });
    await enqueueInTransaction(tx, SEND_NOTIFICATION_JOB, { notificationId: id }, { merchantId: input.merchantId, now });
    return id;
  }

  /** Erasure: the member's messages keep their kind and status but lose their address and text (a queued one without text is never sent). */
  async forgetMember(tx: EntityManager, merchantId: string, memberId: string): Promise<void> {
    await tx.update(Notification, { merchantId, memberId }, { destination: '', subject: null, body: null });
  }

  /**
   * Gives up on sensitive messages still queued after `cutoff` (a sign-in
   * code nobody delivered in time is useless): marked failed, text cleared.
   */
  async discardStaleSensitive(cutoff: Date): Promise<number> {
    const result = await this.deps.db.manager.update(
      Notification,
      { sensitive: true, status: 'queued', createdAt: LessThan(cutoff) },
      { status: 'failed', body: null, lastError: 'expired before delivery' },
    );
    return result.affected ?? 0;
  }

  /**
   * Delivers one queued notification. Idempotent: a notification already sent
   * or failed is left alone. A delivery error is recorded and rethrown so the
   * queue retries, until MAX_ATTEMPTS marks it failed.
   */
  async send(notificationId: string, now = new Date()): Promise<void> {
    const repo = this.deps.db.manager.getRepository(Notification);
    const n = await repo.findOneBy({ id: notificationId });
    if (!n || n.status !== 'queued' || n.body === null) return;
    try {
      await this.adapters[n.channel].send({ id: n.id, channel: n.channel, destination: n.destination, subject: n.subject, body: n.body });
    } catch (err) {
      const attempts = n.attempts + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      await repo.update({ id: n.id, status: 'queued' }, { attempts, lastError: String(err).slice(0, 2000), status: failed ? 'failed' : 'queued', body: failed && n.sensitive ? null : n.body });
      if (failed) return;
      throw err;
    }
    await repo.update({ id: n.id, status: 'queued' }, { status: 'sent', sentAt: now, attempts: n.attempts + 1, body: n.sensitive ? null : n.body });
  }
}
