import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** One line of a receipt, with what has been returned of it so far. */
@Entity('purchase_lines')
export class PurchaseLine {
  @PrimaryColumn({ name: 'purchase_id', type: 'varchar', length: 36 })
  purchaseId: string;

  /** 1-based, in the order the till sent the lines. */
  @PrimaryColumn({ name: 'line_no', type: 'int' })
  lineNo: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  /** Integer thousandths of a unit. */
  @Column({ name: 'quantity_milli', type: 'bigint', transformer: bigintToNumber })
  quantityMilli: number;

  @Column({ name: 'unit_price_minor', type: 'bigint', transformer: bigintToNumber })
  unitPriceMinor: number;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintToNumber })
  amountMinor: number;

  /** The line's share of the offer discounts: a return refunds what was paid, amount less this. */
  @Column({ name: 'discount_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  discountMinor: number;

  /** Points this line earned (basket-level bonuses are not attributed to lines). */
  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  points: number;

  @Column({ name: 'returned_quantity_milli', type: 'bigint', default: 0, transformer: bigintToNumber })
  returnedQuantityMilli: number;

  @Column({ name: 'returned_amount_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  returnedAmountMinor: number;

  @Column({ name: 'points_reversed', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsReversed: number;
}
