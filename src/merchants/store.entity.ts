import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

@Entity('stores')
export class Store {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** Short code unique within the merchant, printed on receipts (e.g. "S01"). */
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.businessName })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  /** Overrides the merchant's zone for a store in another region. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
