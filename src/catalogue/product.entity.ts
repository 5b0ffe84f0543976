import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import { TEXT_LIMITS } from '../db/text-limits';
import type { EarningExclusion } from './catalogue.schemas';

/** How a product came into the catalogue. */
export type ProductSource = 'manual' | 'import' | 'learned';

/** A product of a merchant, found at the till by its SKU or one of its barcodes. */
@Entity('products')
export class Product {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.productCode })
  sku: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.productName })
  name: string;

  @Column({ name: 'category_id', type: 'varchar', length: 36, nullable: true })
  categoryId: string | null;

  /** Sold by weight (quantities in thousandths of a kg) rather than by the unit. */
  @Column({ type: 'boolean' })
  weighed: boolean;

  @Column({ name: 'earning_exclusion', type: 'varchar', length: 16, nullable: true })
  earningExclusion: EarningExclusion | null;

  /** The price on the shelf, for the web till; a till's own price always wins. */
  @Column({ name: 'shelf_price_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  shelfPriceMinor: number | null;

  @Column({ type: 'varchar', length: 16 })
  source: ProductSource;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
