import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** A product's spend in the year before a run's day and its ABC class. */
@Entity('analytics_product_scores')
export class ProductScore {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @Column({ name: 'spend_minor', type: 'bigint', transformer: bigintToNumber })
  spendMinor: number;

  @Column({ name: 'quantity_milli', type: 'bigint', transformer: bigintToNumber })
  quantityMilli: number;

  @Column({ type: 'int' })
  receipts: number;

  @Column({ type: 'varchar', length: 1 })
  abc: string;
}
