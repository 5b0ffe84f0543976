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
 * The embedded / development adapter: writes the whole message to the log at
 * warn level (so it shows with the default log level) and marks it clearly as
 * not delivered. A single shop without an SMS or email provider reads sign-in
 * codes from here.
 */
export class LogChannelAdapter implements ChannelAdapter {
  readonly name = 'log';

  constructor(private readonly log: Logger) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.log.warn(
      { notificationId: message.id, channel: message.channel, destination: message.destination, subject: message.subject, text: message.body },
      `[NOT DELIVERED - log adapter] ${message.channel} to ${message.destination}: ${message.body}`,
    );
  }
}
