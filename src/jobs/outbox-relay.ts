import type { EntityManager } from 'typeorm';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import type { JobQueue } from './job-queue';
import { OutboxEntry } from './outbox-entry.entity';

export interface OutboxRelayOptions {
  /** Rows claimed per round. */
  batchSize?: number;
  /** Pause after a round that found rows. */
  busyIntervalMs?: number;
  /** Longest pause while the outbox stays empty (the pause doubles from busyIntervalMs up to this). */
  idleIntervalMs?: number;
  /** How long a claimed row is hidden from other relays; a relay that dies mid-round frees its rows after this. */
  leaseMs?: number;
  /**
   * How long a job handed to the queue may take to complete before the row
   * is handed over again (the queue may have lost it). A job still in the
   * queue is not duplicated: the second add has the same jobId.
   */
  redeliverAfterMs?: number;
  /** Job names whose due rows of a round are handed over as one job (`OutboxBatch`): jobs with `handleBatch`. */
  batchJobs?: ReadonlySet<string>;
}

/** The data of a queue job that carries several outbox rows of one job name. */
export interface OutboxBatch {
  outboxRows: { rowId: number; data: unknown }[];
}

export function isOutboxBatch(data: unknown): data is OutboxBatch {
  return typeof data === 'object' && data !== null && Array.isArray((data as Partial<OutboxBatch>).outboxRows);
}

/** What one queue.add hands over: one row, or the rows of a batch job. */
interface HandOver {
  rows: OutboxEntry[];
  jobName: string;
  data: unknown;
  jobId: string;
}

export interface RelayRound {
  claimed: number;
  relayed: number;
  /** Rows whose queue.add failed (or was not tried after a failure); retried after a backoff. */
  deferred: number;
  /** Of the relayed rows, those handed over before whose job had not completed. */
  redelivered: number;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 5 * 60_000;

/** Wait before the next try of a row that failed `attempts` times: 1 s, 2 s, 4 s … at most 5 min. */
export function relayBackoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_MS);
}

/**
 * Moves committed outbox rows to the job queue. Every process role runs one:
 * a round claims due rows in a short transaction (MySQL `FOR UPDATE SKIP
 * LOCKED`, so concurrent relays take disjoint rows; SQLite serialises writers)
 * by pushing their `available_at` past a lease, adds them to the queue outside
 * any transaction with `jobId = outbox:<id>` (a row relayed twice is one job
 * while the queue holds it), then sets `available_at` to a redelivery
 * deadline. The row is done only when its job completes (`completeOutboxJob`,
 * called by the consuming process after the handler). A row whose job has not
 * completed by the deadline, or right away after the queue reconnects
 * (`redeliverInFlight`), is handed over again: a Redis that comes back empty
 * loses nothing. When the queue refuses (Redis down) the rows keep their place
 * with the error and a backoff: delayed, never lost.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly busyIntervalMs: number;
  private readonly idleIntervalMs: number;
  private readonly leaseMs: number;
  private readonly redeliverAfterMs: number;
  private readonly batchJobs: ReadonlySet<string>;
  private running = false;
  private pause: number;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly log: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.busyIntervalMs = options.busyIntervalMs ?? 200;
    this.idleIntervalMs = options.idleIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.redeliverAfterMs = options.redeliverAfterMs ?? 5 * 60_000;
    this.batchJobs = options.batchJobs ?? new Set();
    this.pause = this.busyIntervalMs;
  }

  /** Polls until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Lets a round in progress finish (its rows end up relayed or deferred), then stops polling. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round: claim due rows, add them to the queue, record the outcome. */
  async relayOnce(now: Date = new Date()): Promise<RelayRound> {
    const rows = await this.claim(now);
    if (rows.length === 0) return { claimed: 0, relayed: 0, deferred: 0, redelivered: 0 };
    const relayed: number[] = [];
    let failure: Error | undefined;
    for (const handOver of this.handOvers(rows)) {
      try {
        await this.queue.add(handOver.jobName, handOver.data, { jobId: handOver.jobId });
        relayed.push(...handOver.rows.map((r) => r.id));
      } catch (err) {
        // The queue's backend is down, not this row: the rest of the round would fail the same way.
        failure = err instanceof Error ? err : new Error(String(err));
        break;
      }
    }
    const relayedIds = new Set(relayed);
    const deferred = rows.filter((r) => !relayedIds.has(r.id));
    const markRelayed = (m: EntityManager) =>
      m.createQueryBuilder().update(OutboxEntry).set({ relayedAt: now, availableAt: new Date(now.getTime() + this.redeliverAfterMs) }).whereInIds(relayed).execute();
    // The usual round hands everything over: one autocommitted statement records it.
    if (deferred.length === 0) {
      await this.db.autocommit(markRelayed);
    } else {
      await this.db.transaction(async (tx) => {
        if (relayed.length) await markRelayed(tx);
        for (const row of deferred) {
          await tx
            .createQueryBuilder()
            .update(OutboxEntry)
            .set({
              attempts: () => 'attempts + 1',
              lastError: failure?.message.slice(0, 2000) ?? null,
              availableAt: new Date(now.getTime() + relayBackoffMs(row.attempts + 1)),
            })
            .whereInIds([row.id])
            .execute();
        }
      });
    }
    if (failure) this.log.warn({ err: failure.message, deferred: deferred.length }, 'outbox relay: queue unavailable; rows kept for a later try');
    const handedBefore = new Set(rows.filter((r) => r.relayedAt !== null).map((r) => r.id));
    const redelivered = relayed.filter((id) => handedBefore.has(id)).length;
    if (redelivered) this.log.warn({ redelivered }, 'outbox relay: jobs handed to the queue earlier had not completed; handed them over again');
    return { claimed: rows.length, relayed: relayed.length, deferred: deferred.length, redelivered };
  }

  /**
   * Makes every row whose job is in the queue but not completed due now (the
   * polling relay takes them within a second). Called when the queue's backend comes back after an
   * outage, which it may have survived without its data.
   */
  async redeliverInFlight(now: Date = new Date()): Promise<void> {
    await this.db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ availableAt: now })
        .where('completed_at IS NULL AND relayed_at IS NOT NULL AND available_at > :now', { now })
        .execute(),
    );
  }

  /** One hand-over per row, except that the rows of a batch job go together (in id order, so events keep their order). */
  private handOvers(rows: OutboxEntry[]): HandOver[] {
    const handOvers: HandOver[] = [];
    const batches = new Map<string, HandOver>();
    for (const row of rows) {
      if (!this.batchJobs.has(row.jobName)) {
        handOvers.push({ rows: [row], jobName: row.jobName, data: row.payload, jobId: outboxJobId(row.id) });
        continue;
      }
      let batch = batches.get(row.jobName);
      if (!batch) {
        batch = { rows: [], jobName: row.jobName, data: undefined, jobId: '' };
        batches.set(row.jobName, batch);
        handOvers.push(batch);
      }
      batch.rows.push(row);
    }
    for (const batch of batches.values()) {
      batch.data = { outboxRows: batch.rows.map((r) => ({ rowId: r.id, data: r.payload })) } satisfies OutboxBatch;
      // The same rows handed over again while their job waits are one job, as for single rows.
      batch.jobId = `outbox:${batch.rows.map((r) => r.id).join(',')}`;
    }
    return handOvers;
  }

  private claim(now: Date): Promise<OutboxEntry[]> {
    return this.db.transaction(async (tx) => {
      let select = tx
        .createQueryBuilder(OutboxEntry, 'o')
        .where('o.completedAt IS NULL')
        .andWhere('o.availableAt <= :now', { now })
        // (completed_at, available_at) is indexed, so this order reads the index.
        .orderBy('o.availableAt', 'ASC')
        .addOrderBy('o.id', 'ASC')
        .limit(this.batchSize);
      if (this.db.isMysql) select = select.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await select.getMany();
      if (rows.length) {
        const leaseUntil = new Date(now.getTime() + this.leaseMs);
        await tx.createQueryBuilder().update(OutboxEntry).set({ availableAt: leaseUntil }).whereInIds(rows.map((r) => r.id)).execute();
      }
      return rows;
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.round = this.tick().finally(() => {
        this.round = undefined;
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let next: number;
    try {
      const round = await this.relayOnce();
      // A full batch means more are waiting: go on at once. An empty outbox: poll less and less often.
      if (round.claimed >= this.batchSize && round.deferred === 0) next = 0;
      else if (round.claimed > 0) next = this.busyIntervalMs;
      else next = Math.min(this.pause * 2, this.idleIntervalMs);
    } catch (err) {
      this.log.warn({ err }, 'outbox relay round failed; retrying');
      next = this.idleIntervalMs;
    }
    this.pause = Math.max(next, this.busyIntervalMs);
    if (this.running) this.schedule(next);
  }
}

/** The queue's jobId for an outbox row. */
export function outboxJobId(rowId: number): string {
  return `outbox:${rowId}`;
}

/**
 * Records that the job of outbox rows has run (its handler returned), so the
 * relay stops handing them over: the row named by the jobId, or every row of
 * a batch. Jobs that did not come from the outbox (schedules) have no row and
 * are left alone.
 */
export async function completeOutboxJob(db: Db, jobId: string | undefined, data: unknown, now: Date = new Date()): Promise<void> {
  const ids = isOutboxBatch(data) ? data.outboxRows.map((r) => r.rowId) : [/^outbox:(\d+)$/.exec(jobId ?? '')?.[1]].filter((id) => id !== undefined).map(Number);
  if (ids.length === 0) return;
  await db.autocommit((m) =>
    m.createQueryBuilder().update(OutboxEntry).set({ completedAt: now }).where('id IN (:...ids) AND completed_at IS NULL', { ids }).execute(),
  );
}
