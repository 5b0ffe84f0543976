import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunDiagnostics, RunSettings, RunSummary } from './scoring';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

/** One scoring run of a merchant's members as of a day. */
@Entity('analytics_runs')
export class ScoreRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** The as-of date (YYYY-MM-DD, merchant time): purchases before it count. */
  @Column({ name: 'as_of', type: 'date' })
  asOf: string;

  @Column({ name: 'as_of_day', type: 'int' })
  asOfDay: number;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  /** 'nightly' or 'request'. */
  @Column({ type: 'varchar', length: 16 })
  trigger: string;

  @Column({ type: 'simple-json' })
  settings: RunSettings;

  @Column({ type: 'int', default: 0 })
  members: number;

  @Column({ type: 'simple-json', nullable: true })
  diagnostics: RunDiagnostics | null;

  @Column({ type: 'simple-json', nullable: true })
  summary: RunSummary | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}
