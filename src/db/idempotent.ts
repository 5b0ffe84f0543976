import type { EntityManager } from 'typeorm';
import { isUniqueViolation, type Db } from './db';

/** An answer and whether it is a replay of one given before. */
export interface Idempotent<T> {
  body: T;
  replay: boolean;
}

export interface OnceOnly<Row, T, Prepared> {
  /** The row that recorded the earlier answer under this key, read through `m`. */
  find(m: EntityManager): Promise<Row | null>;
  /** The earlier answer; throws IDEMPOTENCY_CONFLICT when it answered a different request. */
  replay(earlier: Row): T;
  /** Look for an earlier answer before anything else (one read; worth it where replays are common or the work is heavy). */
  findFirst: boolean;
  /** Reads before the transaction. When they fail (a card blocked since), an earlier answer is still given back. */
  prepare(): Promise<Prepared>;
  /**
   * The write, in one transaction. Call `earlier()` once the rows that
   * serialise this request are locked: it answers with a twin request that
   * committed while this one waited.
   */
  write(tx: EntityManager, prepared: Prepared, earlier: () => Promise<Idempotent<T> | null>): Promise<Idempotent<T>>;
}

/**
 * Runs a till write once per Idempotency-Key (sales, returns, voids): a retry
 * with the same request gets the first answer back, a different request
 * under the same key is a conflict. Two identical requests racing each
 * other meet at a lock (found by `earlier()`) or at a unique index, and the
 * loser answers with the winner's stored answer.
 */
export async function onceOnly<Row, T, Prepared>(db: Db, op: OnceOnly<Row, T, Prepared>): Promise<Idempotent<T>> {
  const replayOf = (row: Row): Idempotent<T> => ({ body: op.replay(row), replay: true });
  if (op.findFirst) {
    const earlier = await op.find(db.manager);
    if (earlier) return replayOf(earlier);
  }
  let prepared: Prepared;
  try {
    prepared = await op.prepare();
  } catch (err) {
    const earlier = op.findFirst ? null : await op.find(db.manager);
    if (earlier) return replayOf(earlier);
    throw err;
  }
  try {
    return await db.transaction((tx) =>
      op.write(tx, prepared, async () => {
        const twin = await op.find(tx);
        return twin ? replayOf(twin) : null;
      }),
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await op.find(db.manager);
    if (!winner) throw err;
    return replayOf(winner);
  }
}
