import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/**
 * Work recorded in a business transaction, relayed to the job queue after
 * commit, done when its job has run (`completed_at`). Until then the relay
 * hands it over again whenever `available_at` passes.
 */
@Entity('outbox')
export class OutboxEntry {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36, nullable: true })
  merchantId: string | null;

  @Column({ name: 'job_name', type: 'varchar', length: 100 })
  jobName: string;

  @Column({ type: 'simple-json' })
  payload: unknown;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'available_at', type: 'datetime', precision: 3 })
  availableAt: Date;

  /** Last time the relay handed it to the queue. */
  @Column({ name: 'relayed_at', type: 'datetime', precision: 3, nullable: true })
  relayedAt: Date | null;

  /** When its job finished; null while the work is still owed. */
  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
