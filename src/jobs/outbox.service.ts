import type { Deps } from '../deps';
import { OutboxEntry } from './outbox-entry.entity';

const DAY_MS = 24 * 60 * 60_000;

export interface PruneOptions {
  /** Completed rows are kept this long, to look into what ran. */
  retentionMs?: number;
  batchSize?: number;
  /** Rows deleted per call are bounded; the next scheduled run goes on. */
  maxBatches?: number;
}

/** Work the outbox still owes (for /metrics). */
export interface OutboxBacklog {
  /** Rows whose job has not completed. */
  pending: number;
  /** Of those, rows whose last hand-over failed. */
  failing: number;
  /** When the oldest pending row was written; null when none is pending. */
  oldestPendingAt: Date | null;
}

/** Housekeeping of the outbox table (writing to it is `enqueueInTransaction`, relaying is `OutboxRelay`). */
export class OutboxService {
  constructor(private readonly deps: Deps) {}

  /** One aggregate over the pending rows, read through the (completed_at, available_at) index. */
  async backlog(): Promise<OutboxBacklog> {
    const row = await this.deps.db.manager
      .createQueryBuilder(OutboxEntry, 'o')
      .select('COUNT(*)', 'pending')
      .addSelect('SUM(CASE WHEN o.last_error IS NOT NULL THEN 1 ELSE 0 END)', 'failing')
      .addSelect('MIN(o.created_at)', 'oldest')
      .where('o.completed_at IS NULL')
      .getRawOne<{ pending: unknown; failing: unknown; oldest: Date | string | null }>();
    const oldest = row?.oldest ?? null;
    return {
      pending: Number(row?.pending ?? 0),
      failing: Number(row?.failing ?? 0),
      // SQLite answers MIN() of a datetime column as text, in UTC.
      oldestPendingAt: oldest === null ? null : oldest instanceof Date ? oldest : new Date(`${oldest.replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(oldest) ? '' : 'Z'}`),
    };
  }

  /**
   * Deletes rows completed before the retention, in short transactions of
   * one batch each so a large backlog never holds long locks. Rows whose work
   * is still owed are never touched. Returns the number deleted.
   */
  async prune(now: Date, options: PruneOptions = {}): Promise<number> {
    const { retentionMs = 7 * DAY_MS, batchSize = 1000, maxBatches = 50 } = options;
    const before = new Date(now.getTime() - retentionMs);
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await this.deps.db.transaction(async (tx) => {
        // Ids first, then delete by id: MariaDB refuses LIMIT inside an IN subquery and SQLite has no DELETE … LIMIT.
        const rows = await tx
          .createQueryBuilder(OutboxEntry, 'o')
          .select('o.id')
          .where('o.completedAt < :before', { before })
          .orderBy('o.completedAt', 'ASC')
          .limit(batchSize)
          .getMany();
        if (rows.length) await tx.createQueryBuilder().delete().from(OutboxEntry).whereInIds(rows.map((r) => r.id)).execute();
        return rows.length;
      });
      deleted += count;
      if (count < batchSize) break;
    }
    return deleted;
  }
}
