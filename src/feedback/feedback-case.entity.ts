import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContactChannel } from './feedback-answer.entity';

export const CASE_STATUSES = ['open', 'in_progress', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseReason = 'detractor' | 'complaint';

/** A detractor's answer or a complaint, followed up by the shop until a resolution reaches the shopper. */
@Entity('feedback_cases')
export class FeedbackCase {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'answer_id', type: 'varchar', length: 36 })
  answerId: string;

  @Column({ type: 'varchar', length: 16 })
  status: CaseStatus;

  @Column({ type: 'varchar', length: 16 })
  reason: CaseReason;

  /** The staff user following it up. */
  @Column({ name: 'assignee_id', type: 'varchar', length: 36, nullable: true })
  assigneeId: string | null;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt: Date;

  @Column({ name: 'opened_at', type: 'datetime', precision: 3 })
  openedAt: Date;

  /** The message for the shopper, sent to their address and shown on the receipt link's page. */
  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 36, nullable: true })
  resolvedBy: string | null;

  /** How the resolution went out; null when the shopper left no address (it is on the portal page only). */
  @Column({ name: 'resolution_sent_via', type: 'varchar', length: 8, nullable: true })
  resolutionSentVia: ContactChannel | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
