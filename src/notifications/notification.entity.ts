import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

export type NotificationChannel = 'sms' | 'email';
export type NotificationStatus = 'queued' | 'sent' | 'failed';

/** A message to a member, written in the business transaction and delivered by the `notifications.send` job. */
@Entity('notifications')
export class Notification {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ type: 'varchar', length: 16 })
  channel: NotificationChannel;

  @Column({ type: 'varchar', length: 254 })
  destination: string;

  /** What kind of message, e.g. 'sign-in-code'. */
  @Column({ type: 'varchar', length: 64 })
  template: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.notificationSubject, nullable: true })
  subject: string | null;

  /** Cleared after delivery when `sensitive` (a sign-in code must not outlive its use in the database). */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'boolean' })
  sensitive: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: NotificationStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;
}
