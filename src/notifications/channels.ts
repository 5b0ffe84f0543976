import { createHmac } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '../logger';
import type { NotificationChannel } from './notification.entity';

export interface OutgoingMessage {
  id: string;
  channel: NotificationChannel;
  destination: string;
  subject: string | null;
  body: string;
}

/** Delivers one message on one channel. Email and SMS providers implement this next to the log adapter. */
export interface ChannelAdapter {
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * The embedded / development adapter, for a single shop without an SMS or
 * email provider. Outside production it prints each message as one plain
 * line on the console, where the shop reads the member's sign-in code (in a
 * JSON log line it was hard to find), and logs the delivery without the text.
 * In production only the log line is written, without the text: logs are
 * shipped and kept, and a sign-in code in them would let anyone who reads
 * them sign in.
 */
export class LogChannelAdapter implements ChannelAdapter {
  readonly name = 'log';

  constructor(
    private readonly log: Logger,
    private readonly includeText: boolean,
    private readonly console: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    if (this.includeText) this.console(`NOT SENT (no SMS/email gateway) ${message.channel} to ${message.destination}: ${message.body}\n`);
    const text = this.includeText ? '[printed on the console]' : '[text withheld in production: set NOTIFY_WEBHOOK_URL]';
    this.log.warn(
      { notificationId: message.id, channel: message.channel, destination: message.destination, subject: message.subject, text },
      `[NOT DELIVERED - log adapter] ${message.channel} to ${message.destination}: ${text}`,
    );
  }
}

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Hands every message to the shop's own gateway (an SMS provider's HTTP API
 * behind a small relay, an email service, a Zapier-style hook) as a JSON
 * POST signed with HMAC-SHA256 over the raw body. A non-2xx answer or a
 * timeout throws, so the job retries.
 */
export class WebhookChannelAdapter implements ChannelAdapter {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly secret: string | undefined,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    const body = JSON.stringify({ id: message.id, channel: message.channel, to: message.destination, subject: message.subject, text: message.body });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': message.id };
    if (this.secret) headers['x-tally-signature'] = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const res = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`notification webhook answered ${res.status}`);
  }
}

/**
 * Email through the shop's mail server (nodemailer's SMTP transport, pooled
 * connections). The notification id is the Message-ID, so a retried job
 * that did reach the server is recognisable as the same message. A refusal
 * or a dropped connection throws, so the job retries.
 */
export class SmtpChannelAdapter implements ChannelAdapter {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = createTransport({ url, pool: true, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(message: OutgoingMessage): Promise<void> {
    const host = this.from.replace(/^.*@/, '').replace(/>.*$/, '');
    await this.transport.sendMail({ from: this.from, to: message.destination, subject: message.subject ?? '', text: message.body, messageId: `<${message.id}@${host}>` });
  }

  close(): void {
    this.transport.close();
  }
}
