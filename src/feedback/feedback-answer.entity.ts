import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FeedbackLanguage } from './messages';
import type { Band, Scale } from './scores';

export type AnsweredVia = 'receipt' | 'portal';
export type ContactChannel = 'email' | 'sms';

/** A shopper's answer about one purchase (at most one per purchase: a unique index). */
@Entity('feedback_answers')
export class FeedbackAnswer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'purchase_id', type: 'varchar', length: 36 })
  purchaseId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  /** The purchase's member, if the sale had one (a receipt claim later does not move the answer). */
  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  /** The scale asked when the shopper answered (a merchant may switch later). */
  @Column({ type: 'varchar', length: 8 })
  scale: Scale;

  @Column({ type: 'int' })
  score: number;

  @Column({ type: 'varchar', length: 16 })
  band: Band;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'boolean' })
  complaint: boolean;

  @Column({ type: 'varchar', length: 8 })
  language: FeedbackLanguage;

  @Column({ type: 'varchar', length: 16 })
  via: AnsweredVia;

  /** Where the thank-you and a case's resolution go: the address the shopper left, else the member's. */
  @Column({ name: 'contact_channel', type: 'varchar', length: 8, nullable: true })
  contactChannel: ContactChannel | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  contact: string | null;

  @Column({ name: 'purchased_at', type: 'datetime', precision: 3 })
  purchasedAt: Date;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3 })
  answeredAt: Date;

  /** Set when the member's data was erased: comment and contact are gone, the score stays in the figures. */
  @Column({ name: 'anonymised_at', type: 'datetime', precision: 3, nullable: true })
  anonymisedAt: Date | null;
}
