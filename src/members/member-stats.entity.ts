import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** Cache of derived purchase statistics, one row per member, rewritten by `MembersService.recordStats`. */
@Entity('member_stats')
export class MemberStats {
  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'first_purchase_at', type: 'datetime', precision: 3, nullable: true })
  firstPurchaseAt: Date | null;

  @Column({ name: 'last_purchase_at', type: 'datetime', precision: 3, nullable: true })
  lastPurchaseAt: Date | null;

  @Column({ type: 'int', default: 0 })
  visits: number;

  @Column({ name: 'spend_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  spendMinor: number;

  @Column({ name: 'average_basket_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  averageBasketMinor: number;

  @Column({ name: 'favourite_store_id', type: 'varchar', length: 36, nullable: true })
  favouriteStoreId: string | null;

  @Column({ name: 'top_categories', type: 'simple-json', nullable: true })
  topCategories: string[] | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
