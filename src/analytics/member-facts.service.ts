import type { EntityManager } from 'typeorm';
import { sqlInstant } from '../db/columns';
import type { Deps } from '../deps';
import type { MerchantsService } from '../merchants';
import type { MemberPurchaseRange, MemberPurchaseSources, SqlSource } from '../purchases';
import { MemberFacts } from './member-facts.entity';
import { offsetMinutes } from './scoring';

export interface MemberFactsUses {
  merchants: MerchantsService;
  memberPurchaseSources: MemberPurchaseSources;
}

/** The fact columns in the order every facts SELECT returns them (after member_id). */
export const FACT_COLUMNS = [
  'first_day',
  'last_day',
  'visits',
  'spend_minor',
  'first_visit_minor',
  'gap_count',
  'gap_log_sum',
  'gap_log_squares',
  'longest_gap',
  'receipts',
  'stores',
  'categories',
] as const;

/** Members refreshed per statement, so an IN list stays short. */
const REFRESH_CHUNK = 500;

/**
 * Member facts (first and last visit, visits, spend, the gap sums of the
 * member's rhythm, stores, categories), computed set-based from the
 * purchases module's member sources: one SELECT for any set of members as of
 * any instant. `analytics_member_facts` keeps them current: refreshed per
 * member from purchase events (one statement per relay round) and rebuilt in
 * bulk by the nightly run. Runs as of a past day take the same SELECT with
 * an earlier cut-off.
 */
export class MemberFactsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: MemberFactsUses,
  ) {}

  /** Where a merchant's calendar puts an instant: the offset the facts' days use. */
  async rangeAt(merchantId: string, before: Date, memberIds?: readonly string[]): Promise<MemberPurchaseRange> {
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    return { before, offsetMinutes: offsetMinutes(before, timeZone), memberIds };
  }

  /**
   * SELECT member_id, then FACT_COLUMNS, of every member with a visit in the
   * range. Gaps come from LAG over each member's visit days; their logarithms
   * are summed in SQL (LN on both dialects).
   */
  factsSelect(merchantId: string, range: MemberPurchaseRange): SqlSource {
    const sources = this.use.memberPurchaseSources;
    const visits = sources.visits(merchantId, range);
    const reach = sources.reach(merchantId, range);
    const categories = sources.categories(merchantId, range);
    const sql = `SELECT f.member_id AS member_id, f.first_day, f.last_day, f.visits, f.spend_minor, f.first_visit_minor, f.gap_count,
        f.gap_log_sum, f.gap_log_squares, f.longest_gap, COALESCE(r.receipts, 0) AS receipts, COALESCE(r.stores, 0) AS stores, COALESCE(c.categories, 0) AS categories
      FROM (
        SELECT v.member_id, MIN(v.day) AS first_day, MAX(v.day) AS last_day, COUNT(*) AS visits, SUM(v.amount_minor) AS spend_minor,
          SUM(CASE WHEN v.gap IS NULL THEN v.amount_minor ELSE 0 END) AS first_visit_minor, COUNT(v.gap) AS gap_count,
          COALESCE(SUM(LN(v.gap)), 0) AS gap_log_sum, COALESCE(SUM(LN(v.gap) * LN(v.gap)), 0) AS gap_log_squares, COALESCE(MAX(v.gap), 0) AS longest_gap
        FROM (SELECT w.member_id, w.day, w.amount_minor, w.day - LAG(w.day) OVER (PARTITION BY w.member_id ORDER BY w.day) AS gap FROM (${visits.sql}) w) v
        GROUP BY v.member_id
      ) f
      LEFT JOIN (${reach.sql}) r ON r.member_id = f.member_id
      LEFT JOIN (${categories.sql}) c ON c.member_id = f.member_id`;
    return { sql, params: [...visits.params, ...reach.params, ...categories.params] };
  }

  /** Rebuilds every member's facts of the merchant from the purchases so far; returns how many members have facts. */
  async rebuild(merchantId: string, now = new Date()): Promise<number> {
    const range = await this.rangeAt(merchantId, now);
    await this.deps.db.transaction(async (tx) => {
      await tx.query('DELETE FROM analytics_member_facts WHERE merchant_id = ?', [merchantId]);
      await this.insertFacts(tx, merchantId, range, now);
    });
    return this.deps.db.manager.countBy(MemberFacts, { merchantId });
  }

  /** Recomputes these members' facts (a member with no visit left loses their row). Idempotent: a recomputation. */
  async refresh(merchantId: string, memberIds: readonly string[], now = new Date()): Promise<void> {
    const ids = [...new Set(memberIds)];
    for (let i = 0; i < ids.length; i += REFRESH_CHUNK) {
      const chunk = ids.slice(i, i + REFRESH_CHUNK);
      const range = await this.rangeAt(merchantId, now, chunk);
      await this.deps.db.transaction(async (tx) => {
        await tx.query(`DELETE FROM analytics_member_facts WHERE merchant_id = ? AND member_id IN (${chunk.map(() => '?').join(', ')})`, [merchantId, ...chunk]);
        await this.insertFacts(tx, merchantId, range, now);
      });
    }
  }

  async factsOf(merchantId: string, memberId: string): Promise<MemberFacts | null> {
    return this.deps.db.manager.findOneBy(MemberFacts, { merchantId, memberId });
  }

  private async insertFacts(tx: EntityManager, merchantId: string, range: MemberPurchaseRange, now: Date): Promise<void> {
    const facts = this.factsSelect(merchantId, range);
    const columns = FACT_COLUMNS.join(', ');
    await tx.query(
      `INSERT INTO analytics_member_facts (merchant_id, updated_at, member_id, ${columns}) SELECT ?, ?, x.member_id, ${FACT_COLUMNS.map((c) => `x.${c}`).join(', ')} FROM (${facts.sql}) x`,
      [merchantId, sqlInstant(now), ...facts.params],
    );
  }
}
