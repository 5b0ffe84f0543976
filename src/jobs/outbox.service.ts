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

/** Housekeeping of the outbox table (writing to it is `enqueueInTransaction`, relaying is `OutboxRelay`). */
export class OutboxService {
  constructor(private readonly deps: Deps) {}

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
