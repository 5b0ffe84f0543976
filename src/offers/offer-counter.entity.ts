import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/**
 * What a limited offer has used so far. A sale that applies the offer locks
 * this row (SELECT … FOR UPDATE on MySQL; SQLite has one writer at a time),
 * checks the limits and adds its use, so parallel sales cannot overspend.
 * Kept for limited offers only (an unlimited offer's sales need no lock);
 * set from the offer's uses when it is activated, the only time its limits
 * can have changed.
 */
@Entity('offer_counters')
export class OfferCounter {
  @PrimaryColumn({ name: 'offer_id', type: 'varchar', length: 36 })
  offerId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'int' })
  uses: number;

  @Column({ name: 'discount_minor', type: 'bigint', transformer: bigintToNumber })
  discountMinor: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  points: number;
}
