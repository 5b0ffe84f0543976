import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Method, MethodScore } from './models/backtest';
import type { Accuracy } from './models/forecast-series';
import type { Forecast } from './models/series';
import type { Measure, SeriesLevel } from './series-keys';

/** A run's forecast of one measure of one series. */
@Entity('forecast_series')
export class ForecastedSeries {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  /** See `series-keys.ts`: 'merchant', 'store:<id>', 'category:<name>', 'store:<id>:category:<name>'. */
  @PrimaryColumn({ name: 'series_key', type: 'varchar', length: 120 })
  seriesKey: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  measure: Measure;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 16 })
  level: SeriesLevel;

  @Column({ name: 'store_id', type: 'varchar', length: 36, nullable: true })
  storeId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  /** Null when there was nothing to forecast from (under a week of history). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  method: Method | null;

  /** The day of the first sale the history starts on (days since 1970-01-01). */
  @Column({ name: 'first_day', type: 'int' })
  firstDay: number;

  @Column({ name: 'history_days', type: 'int' })
  historyDays: number;

  /** One value per day from the as-of date on (empty without a method). */
  @Column({ type: 'simple-json' })
  forecast: Forecast;

  @Column({ type: 'simple-json', nullable: true })
  accuracy: Accuracy | null;

  @Column({ type: 'simple-json' })
  scores: MethodScore[];

  @Column({ name: 'too_few_data', type: 'varchar', length: 300, nullable: true })
  tooFewData: string | null;
}
