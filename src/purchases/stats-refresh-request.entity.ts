import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A member whose purchase stats are due for a refresh. While the row exists
 * one refresh job is on its way; later events only bump `seq`, which is how a
 * burst of sales gives one refresh and how a sale that lands during the
 * refresh is noticed (the refresh deletes the row only at the `seq` it read).
 */
@Entity('stats_refresh_requests')
export class StatsRefreshRequest {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ type: 'int' })
  seq: number;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt: Date;
}
