import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

/** A node of a merchant's category tree (Drinks › Beer): Beer's parent is Drinks. */
@Entity('product_categories')
export class ProductCategory {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.categoryName })
  name: string;

  /** `categoryKey(name)`: unique per merchant, so a program's or an offer's category names one node. */
  @Column({ name: 'name_key', type: 'varchar', length: TEXT_LIMITS.categoryName })
  nameKey: string;

  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
