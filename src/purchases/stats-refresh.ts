import { isUniqueViolation } from '../db/db';
import type { Db } from '../db/db';
import { enqueueInTransaction } from '../jobs/outbox';
import { StatsRefreshRequest } from './stats-refresh-request.entity';

export const REFRESH_MEMBER_STATS_JOB = 'purchases.refresh-member-stats';

/**
 * Asks for a refresh of a member's stats, coalesced: the first request of a
 * quiet member records a request row and one job, `delayMs` later; requests
 * while that row exists only bump its counter. Idempotent enough for at-least-
 * once events: a repeated request costs at most one more refresh.
 */
export async function requestStatsRefresh(db: Db, merchantId: string, memberId: string, delayMs: number, now: Date): Promise<void> {
  const bump = () =>
    db.transaction(async (tx) => {
      const bumped = await tx
        .createQueryBuilder()
        .update(StatsRefreshRequest)
        .set({ seq: () => 'seq + 1', requestedAt: now })
        .where('merchant_id = :merchantId AND member_id = :memberId', { merchantId, memberId })
        .execute();
      if (bumped.affected) return;
      await tx.insert(StatsRefreshRequest, { merchantId, memberId, seq: 1, requestedAt: now });
      await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId, memberId }, { merchantId, delayMs, now });
    });
  try {
    await bump();
  } catch (err) {
    // Another request created the row first: bumping it is all that is left to do.
    if (!isUniqueViolation(err)) throw err;
    await bump();
  }
}

/**
 * Runs one coalesced refresh. The request row is read first and deleted only
 * if no request came in meanwhile; otherwise one more refresh is queued, so
 * the last sale of a burst is always reflected. Without a row (a job queued
 * before coalescing existed, or a duplicate delivery) it just refreshes.
 */
export async function runStatsRefresh(
  db: Db,
  merchantId: string,
  memberId: string,
  refresh: () => Promise<void>,
  delayMs: number,
  now: Date,
): Promise<void> {
  const seen = await db.manager.findOneBy(StatsRefreshRequest, { merchantId, memberId });
  await refresh();
  if (!seen) return;
  await db.transaction(async (tx) => {
    const done = await tx
      .createQueryBuilder()
      .delete()
      .from(StatsRefreshRequest)
      .where('merchant_id = :merchantId AND member_id = :memberId AND seq = :seq', { merchantId, memberId, seq: seen.seq })
      .execute();
    if (done.affected) return;
    if (await tx.existsBy(StatsRefreshRequest, { merchantId, memberId })) {
      await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId, memberId }, { merchantId, delayMs, now });
    }
  });
}
