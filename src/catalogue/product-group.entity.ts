import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

/** A set of products that offers treat as one (mix & match: "any 3 yoghurts for 5.00"); offers name it by its code. */
@Entity('product_groups')
export class ProductGroup {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.productCode })
  code: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.categoryName })
  name: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** A product's membership of a group. */
@Entity('product_group_members')
export class ProductGroupMember {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId: string;

  @PrimaryColumn({ name: 'product_id', type: 'varchar', length: 36 })
  productId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;
}
