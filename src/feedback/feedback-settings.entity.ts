import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Scale } from './scores';

/** A merchant's feedback question; a merchant without a row asks NPS and gives cases three days. */
@Entity('feedback_settings')
export class FeedbackSettings {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 8 })
  scale: Scale;

  /** Days from opening to a case's due date. */
  @Column({ name: 'case_due_days', type: 'int' })
  caseDueDays: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
