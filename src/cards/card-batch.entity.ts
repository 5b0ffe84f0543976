import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A run of pre-printed physical cards generated together for printing. */
@Entity('card_batches')
export class CardBatch {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'int' })
  count: number;

  @Column({ type: 'varchar', length: 4 })
  prefix: string;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
