import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A day the merchant is closed (a holiday, stocktaking). */
export interface ClosedDay {
  date: string;
  name: string;
}

/** The merchant's calendar: weekdays it never opens and dates it is closed. */
@Entity('forecast_calendars')
export class ForecastCalendar {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  @Column({ name: 'closed_weekdays', type: 'simple-json' })
  closedWeekdays: number[];

  /** Sorted by date. */
  @Column({ name: 'closed_days', type: 'simple-json' })
  closedDays: ClosedDay[];

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
