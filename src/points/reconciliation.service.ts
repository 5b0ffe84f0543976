import { audit } from '../audit';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';

export interface Mismatch {
  memberId: string;
  merchantId: string;
  /** entries: cached available + pending vs the sum of entries; lots: cached vs what the open lots hold. */
  check: 'entries' | 'lots';
  cached: number;
  ledger: number;
}

/**
 * Checks that every cached balance matches its ledger and its lots: the
 * invariant balance = Σ entries, and what the open lots hold.
 */
export class PointsReconciliation {
  constructor(private readonly deps: Deps) {}

  /**
   * Balances that do not match their ledger (empty = consistent): cached
   * available + pending vs Σ entries, and vs what the open lots hold.
   * Set-based; only mismatching rows come back.
   */
  async reconcile(merchantId?: string): Promise<Mismatch[]> {
    const m = this.deps.db.manager;
    const scope = merchantId ? 'AND b.merchant_id = ?' : '';
    const params = merchantId ? [merchantId] : [];
    const entries: RawMismatch[] = await m.query(
      `SELECT b.merchant_id AS merchantId, b.member_id AS memberId, b.available + b.pending AS cached, COALESCE(SUM(e.points), 0) AS ledger
         FROM member_balances b
         LEFT JOIN point_entries e ON e.merchant_id = b.merchant_id AND e.member_id = b.member_id
        WHERE 1 = 1 ${scope}
        GROUP BY b.merchant_id, b.member_id, b.available, b.pending
       HAVING b.available + b.pending <> COALESCE(SUM(e.points), 0)`,
      params,
    );
    const orphans: RawMismatch[] = await m.query(
      `SELECT e.merchant_id AS merchantId, e.member_id AS memberId, 0 AS cached, SUM(e.points) AS ledger
         FROM point_entries e
         LEFT JOIN member_balances b ON b.merchant_id = e.merchant_id AND b.member_id = e.member_id
        WHERE b.member_id IS NULL ${merchantId ? 'AND e.merchant_id = ?' : ''}
        GROUP BY e.merchant_id, e.member_id`,
      params,
    );
    const lots: RawMismatch[] = await m.query(
      `SELECT b.merchant_id AS merchantId, b.member_id AS memberId,
              CASE WHEN b.available > 0 THEN b.available ELSE 0 END + b.pending AS cached, COALESCE(SUM(l.remaining), 0) AS ledger
         FROM member_balances b
         LEFT JOIN point_lots l ON l.merchant_id = b.merchant_id AND l.member_id = b.member_id AND l.open = 1
        WHERE 1 = 1 ${scope}
        GROUP BY b.merchant_id, b.member_id, b.available, b.pending
       HAVING CASE WHEN b.available > 0 THEN b.available ELSE 0 END + b.pending <> COALESCE(SUM(l.remaining), 0)`,
      params,
    );
    const shape = (check: Mismatch['check']) => (r: RawMismatch) => ({ merchantId: r.merchantId, memberId: r.memberId, check, cached: toInt(r.cached), ledger: toInt(r.ledger) });
    return [...entries.map(shape('entries')), ...orphans.map(shape('entries')), ...lots.map(shape('lots'))];
  }

  /** Logs mismatches found by `reconcile` and records each in its merchant's audit log. */
  async recordMismatches(mismatches: Mismatch[], now = new Date()): Promise<void> {
    if (mismatches.length === 0) return;
    this.deps.log.error({ count: mismatches.length, sample: mismatches.slice(0, 20) }, 'points ledger does not match cached balances');
    await this.deps.db.transaction(async (tx) => {
      for (const m of mismatches) {
        await audit(tx, m.merchantId, null, { action: 'points.reconcile.mismatch', entity: 'member', entityId: m.memberId, data: { check: m.check, cached: m.cached, ledger: m.ledger } }, now);
      }
    });
  }
}

interface RawMismatch {
  merchantId: string;
  memberId: string;
  cached: unknown;
  ledger: unknown;
}
