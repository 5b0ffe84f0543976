import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

/** What a finished run found: series per level, how many had too few data, the methods chosen, seconds per step. */
export interface RunSummary {
  series: Record<string, number>;
  tooFewData: number;
  methods: Record<string, number>;
  timings: Record<string, number>;
}

/** One forecast run of a merchant's sales as of a date. */
@Entity('forecast_runs')
export class ForecastRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** YYYY-MM-DD, merchant time: the sales before it are the history, the forecast starts on it. */
  @Column({ name: 'as_of', type: 'date' })
  asOf: string;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  /** 'nightly' or 'request'. */
  @Column({ type: 'varchar', length: 16 })
  trigger: string;

  /** Days forecast from the as-of date on. */
  @Column({ type: 'int' })
  horizon: number;

  /** Series forecast (each with its three measures). */
  @Column({ type: 'int', default: 0 })
  series: number;

  @Column({ type: 'simple-json', nullable: true })
  summary: RunSummary | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}
