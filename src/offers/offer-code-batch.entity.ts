import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Single-use codes generated together for one offer: downloaded as CSV or printed as a sheet. */
@Entity('offer_code_batches')
export class OfferCodeBatch {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'offer_id', type: 'varchar', length: 36 })
  offerId: string;

  /** Printed before each code ('' for none): tells a shop's batches apart at a glance. */
  @Column({ type: 'varchar', length: 12 })
  prefix: string;

  @Column({ name: 'code_count', type: 'int' })
  count: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
