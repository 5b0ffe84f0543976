import { LessThanOrEqual } from 'typeorm';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import type { MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { MemberPurchaseSources, SqlSource } from '../purchases';
import { aucFromCounts } from './models/auc';
import type { MemberFactsService } from './member-facts.service';
import { ProductScore } from './product-score.entity';
import { ScoreRun } from './score-run.entity';
import { dateOfDay, dayOfDate, localDate, startOfDate } from './scoring';
import type { AnalyticsScoring } from './scoring.service';

export interface AnalyticsUses {
  members: MembersService;
  merchants: MerchantsService;
  memberPurchaseSources: MemberPurchaseSources;
}

/** Which scores a rule segment asks for; bounds are inclusive. */
export interface ScoreFilter {
  segments?: readonly string[];
  abc?: readonly string[];
  churnRisk?: { min?: number; max?: number };
  clvMinor?: { min?: number; max?: number };
}

export interface MemberFilter {
  segment?: string;
  r?: number;
  f?: number;
  m?: number;
  abc?: 'A' | 'B' | 'C';
  minRisk?: number;
  sort: 'atStake' | 'risk' | 'clv' | 'spend' | 'recency';
}

const SORTS: Record<MemberFilter['sort'], string> = {
  atStake: 's.at_stake_minor DESC',
  risk: 's.churn_risk DESC',
  clv: 's.clv_minor DESC',
  spend: 's.spend_minor DESC',
  recency: 's.days_since_last ASC',
};

/** A member's scores as the API and other modules see them. */
export interface MemberScoreView {
  memberId: string;
  name: string;
  memberNumber: string | null;
  visits: number;
  spendMinor: number;
  firstDate: string;
  lastDate: string;
  daysSinceLast: number;
  r: number;
  f: number;
  m: number;
  segment: string | null;
  abc: string | null;
  churnRisk: number | null;
  reason: { usualGapDays: number | null; daysSinceLast: number; purchases: number; rhythm: string | null };
  pAlive: number | null;
  expectedPurchases: { d30: number | null; d90: number | null; d365: number | null };
  expectedSpendMinor: number | null;
  clvMinor: number | null;
  atStakeMinor: number | null;
}

/** The till's short hint about a member's rhythm: shown when they are overdue. */
export interface TillHint {
  churnRisk: number;
  usualGapDays: number | null;
  daysSinceLast: number;
  segment: string | null;
}

/** Churn risk from which the till shows its hint. */
export const TILL_HINT_RISK = 50;

/**
 * Reading scoring runs for the API, the back office and other modules
 * (segments and offers will filter members by these scores): lists are
 * paged queries over a run's rows, never whole tables in memory.
 */
export class AnalyticsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: AnalyticsUses,
    private readonly facts: MemberFactsService,
    private readonly scoring: AnalyticsScoring,
  ) {}

  /** The newest finished run as of the date (or the newest finished one at all); 404 NO_SCORES without one. */
  async runAsOf(merchantId: string, asOf?: string): Promise<ScoreRun> {
    const run = await this.deps.db.manager.findOne(ScoreRun, {
      where: { merchantId, status: 'done', ...(asOf ? { asOf } : {}) },
      order: { createdAt: 'DESC' },
    });
    if (!run) throw new AppError('NO_SCORES', asOf ? `No scores as of ${asOf}: start a run as of that date (POST /v1/analytics/runs)` : 'No scores yet: start a run (POST /v1/analytics/runs)');
    return run;
  }

  async runs(merchantId: string): Promise<ScoreRun[]> {
    return this.deps.db.manager.find(ScoreRun, { where: { merchantId }, order: { createdAt: 'DESC' }, take: 20 });
  }

  getRun(merchantId: string, runId: string): Promise<ScoreRun> {
    return this.scoring.getRun(merchantId, runId);
  }

  async members(merchantId: string, asOf: string | undefined, filter: MemberFilter, page: { limit: number; offset: number }): Promise<{ run: ScoreRun; items: MemberScoreView[]; total: number }> {
    const run = await this.runAsOf(merchantId, asOf);
    const where = this.memberWhere(run, filter);
    const [counted] = await this.deps.db.manager.query(`SELECT COUNT(*) AS n FROM analytics_member_scores s WHERE ${where.sql}`, where.params);
    const items = await this.page(run, where, filter.sort, page.limit, page.offset);
    return { run, items, total: toInt(counted.n) };
  }

  /** Every member the filter selects, a page at a time (for CSV export). */
  async *eachMember(merchantId: string, asOf: string | undefined, filter: MemberFilter): AsyncGenerator<{ run: ScoreRun; item: MemberScoreView }> {
    const run = await this.runAsOf(merchantId, asOf);
    const where = this.memberWhere(run, filter);
    for (let offset = 0; ; offset += 1000) {
      const items = await this.page(run, where, filter.sort, 1000, offset);
      for (const item of items) yield { run, item };
      if (items.length < 1000) return;
    }
  }

  private memberWhere(run: ScoreRun, filter: MemberFilter): { sql: string; params: unknown[] } {
    const parts = ['s.run_id = ?'];
    const params: unknown[] = [run.id];
    const add = (sql: string, value: unknown) => {
      parts.push(sql);
      params.push(value);
    };
    if (filter.segment) add('s.segment = ?', filter.segment);
    if (filter.r) add('s.r_score = ?', filter.r);
    if (filter.f) add('s.f_score = ?', filter.f);
    if (filter.m) add('s.m_score = ?', filter.m);
    if (filter.abc) add('s.abc = ?', filter.abc);
    if (filter.minRisk !== undefined) add('s.churn_risk >= ?', filter.minRisk);
    return { sql: parts.join(' AND '), params };
  }

  private async page(run: ScoreRun, where: { sql: string; params: unknown[] }, sort: MemberFilter['sort'], limit: number, offset: number): Promise<MemberScoreView[]> {
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT s.* FROM analytics_member_scores s WHERE ${where.sql} ORDER BY ${SORTS[sort]}, s.member_id LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
      where.params,
    );
    const labels = await this.use.members.labelsOf(
      run.merchantId,
      rows.map((r) => String(r.member_id)),
    );
    return rows.map((r) => scoreView(r, labels.get(String(r.member_id))));
  }

  async products(merchantId: string, asOf: string | undefined, filter: { abc?: string }, page: { limit: number; offset: number }): Promise<{ run: ScoreRun; items: ProductScore[]; total: number }> {
    const run = await this.runAsOf(merchantId, asOf);
    const where = { runId: run.id, ...(filter.abc ? { abc: filter.abc } : {}) };
    const [items, total] = await this.deps.db.manager.findAndCount(ProductScore, { where, order: { spendMinor: 'DESC', sku: 'ASC' }, take: page.limit, skip: page.offset });
    return { run, items, total };
  }

  /** Cumulative share of spend by the top 5 %, 10 %, … of members and of products (the Pareto curve). */
  async pareto(merchantId: string, asOf?: string): Promise<{ run: ScoreRun; members: { topPercent: number; spendShareBasisPoints: number }[]; products: { topPercent: number; spendShareBasisPoints: number }[] }> {
    const run = await this.runAsOf(merchantId, asOf);
    const curve = async (table: string): Promise<{ topPercent: number; spendShareBasisPoints: number }[]> => {
      const [totals] = await this.deps.db.manager.query(`SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN spend_minor > 0 THEN spend_minor ELSE 0 END), 0) AS total FROM ${table} WHERE run_id = ?`, [run.id]);
      const n = toInt(totals.n);
      const total = toInt(totals.total);
      if (n === 0 || total === 0) return [];
      const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
        `SELECT x.b, SUM(x.spend) AS spend FROM (SELECT FLOOR(20.0 * (ROW_NUMBER() OVER (ORDER BY spend_minor DESC) - 1) / ?) AS b, CASE WHEN spend_minor > 0 THEN spend_minor ELSE 0 END AS spend FROM ${table} WHERE run_id = ?) x GROUP BY x.b`,
        [n, run.id],
      );
      const byBucket = new Map(rows.map((r) => [toInt(Number(r.b)), toInt(r.spend)]));
      let cumulative = 0;
      return Array.from({ length: 20 }, (_, b) => {
        cumulative += byBucket.get(b) ?? 0;
        return { topPercent: (b + 1) * 5, spendShareBasisPoints: Math.round((cumulative * 10_000) / total) };
      });
    };
    return { run, members: await curve('analytics_member_scores'), products: await curve('analytics_product_scores') };
  }

  /** A member's panel: facts from every purchase so far, and their scores in the run as of the date (or the newest). */
  async memberPanel(merchantId: string, memberId: string, asOf?: string) {
    await this.use.members.get(merchantId, memberId);
    const facts = await this.facts.factsOf(merchantId, memberId);
    const run = await this.runAsOf(merchantId, asOf).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NO_SCORES' && !asOf) return null;
      throw err;
    });
    const [row] = run ? await this.deps.db.manager.query('SELECT * FROM analytics_member_scores WHERE run_id = ? AND member_id = ?', [run.id, memberId]) : [];
    const labels = row ? await this.use.members.labelsOf(merchantId, [memberId]) : new Map();
    return {
      facts: facts && {
        firstDate: dateOfDay(facts.firstDay),
        lastDate: dateOfDay(facts.lastDay),
        visits: facts.visits,
        spendMinor: facts.spendMinor,
        averageSpendMinor: Math.round(facts.spendMinor / facts.visits),
        receipts: facts.receipts,
        stores: facts.stores,
        categories: facts.categories,
        longestGapDays: facts.longestGap,
      },
      scores: row ? scoreView(row as Record<string, unknown>, labels.get(memberId)) : null,
      asOf: run?.asOf ?? null,
    };
  }

  /**
   * The churn backtest: the run's churn risk as of its day against "did not
   * come back within N days", as an AUC (and days since the last visit alone
   * beside it). Counted per distinct score by SQL, so memory stays flat.
   */
  async backtest(merchantId: string, asOf: string | undefined, days: number, now = new Date()) {
    const run = await this.runAsOf(merchantId, asOf);
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const from = startOfDate(run.asOf, timeZone);
    const until = startOfDate(dateOfDay(run.asOfDay + days), timeZone);
    const before = until < now ? until : now;
    const range = await this.facts.rangeAt(merchantId, before);
    const visits = this.use.memberPurchaseSources.visits(merchantId, { ...range, from });
    const grouped = async (column: string) => {
      const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
        `SELECT s.${column} AS score, SUM(CASE WHEN b.member_id IS NULL THEN 1 ELSE 0 END) AS positives, SUM(CASE WHEN b.member_id IS NULL THEN 0 ELSE 1 END) AS negatives
         FROM analytics_member_scores s LEFT JOIN (SELECT DISTINCT v.member_id FROM (${visits.sql}) v) b ON b.member_id = s.member_id
         WHERE s.run_id = ? AND s.${column} IS NOT NULL GROUP BY s.${column}`,
        [...visits.params, run.id],
      );
      return rows.map((r) => ({ score: Number(r.score), positives: toInt(r.positives), negatives: toInt(r.negatives) }));
    };
    const risk = await grouped('churn_risk');
    const recency = await grouped('days_since_last');
    const positives = risk.reduce((s, r) => s + r.positives, 0);
    return {
      asOf: run.asOf,
      days,
      members: positives + risk.reduce((s, r) => s + r.negatives, 0),
      didNotComeBack: positives,
      complete: until <= now,
      aucChurnRisk: aucFromCounts(risk),
      aucRecency: aucFromCounts(recency),
    };
  }

  /** Scores of these members in the newest run (for other modules: segments, offer conditions). */
  async latestScores(merchantId: string, memberIds: readonly string[]): Promise<Map<string, MemberScoreView>> {
    const out = new Map<string, MemberScoreView>();
    if (memberIds.length === 0) return out;
    const run = await this.deps.db.manager.findOne(ScoreRun, { where: { merchantId, status: 'done' }, order: { createdAt: 'DESC' } });
    if (!run) return out;
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT * FROM analytics_member_scores WHERE run_id = ? AND member_id IN (${memberIds.map(() => '?').join(', ')})`,
      [run.id, ...memberIds],
    );
    const labels = await this.use.members.labelsOf(merchantId, memberIds);
    for (const r of rows) out.set(String(r.member_id), scoreView(r, labels.get(String(r.member_id))));
    return out;
  }

  /**
   * (member_id): members of the newest finished run whose scores pass the
   * filter, for rule segments; null when the merchant has no finished run yet
   * (the caller says so rather than select nobody silently).
   */
  async scoredMembers(merchantId: string, filter: ScoreFilter): Promise<SqlSource | null> {
    const run = await this.deps.db.manager.findOne(ScoreRun, { where: { merchantId, status: 'done' }, order: { createdAt: 'DESC' } });
    if (!run) return null;
    const where = ['s.run_id = ?'];
    const params: unknown[] = [run.id];
    const inList = (column: string, values: readonly string[] | undefined) => {
      if (!values) return;
      where.push(`s.${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    const between = (column: string, range: { min?: number; max?: number } | undefined) => {
      if (range?.min !== undefined) {
        where.push(`s.${column} >= ?`);
        params.push(range.min);
      }
      if (range?.max !== undefined) {
        where.push(`s.${column} <= ?`);
        params.push(range.max);
      }
    };
    inList('segment', filter.segments);
    inList('abc', filter.abc);
    between('churn_risk', filter.churnRisk);
    between('clv_minor', filter.clvMinor);
    return { sql: `SELECT s.member_id AS member_id FROM analytics_member_scores s WHERE ${where.join(' AND ')}`, params };
  }

  /**
   * For other modules' reports as of a moment: the newest finished run whose
   * as-of day is on or before the merchant's day of `at` (a run as of a later
   * day, asked for ahead, does not count), or null when there is none.
   */
  async runAsOfTime(merchantId: string, at: Date): Promise<{ id: string; asOf: string } | null> {
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const run = await this.deps.db.manager.findOne(ScoreRun, {
      where: { merchantId, status: 'done', asOfDay: LessThanOrEqual(dayOfDate(localDate(at, timeZone))) },
      order: { asOfDay: 'DESC', createdAt: 'DESC' },
    });
    return run ? { id: run.id, asOf: dateOfDay(run.asOfDay) } : null;
  }

  /** Churn risks (0–100) of these members in a run; a member the run did not score, or scored without a risk, is left out. */
  async churnRisks(merchantId: string, runId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (memberIds.length === 0) return out;
    const rows: { member_id: string; churn_risk: unknown }[] = await this.deps.db.manager.query(
      `SELECT member_id, churn_risk FROM analytics_member_scores WHERE run_id = ? AND merchant_id = ? AND churn_risk IS NOT NULL AND member_id IN (${memberIds.map(() => '?').join(', ')})`,
      [runId, merchantId, ...memberIds],
    );
    for (const r of rows) out.set(String(r.member_id), toInt(r.churn_risk));
    return out;
  }

  /** The till's hint: the newest run's risk with the days since the last visit counted to today; null below TILL_HINT_RISK. */
  async tillHint(merchantId: string, memberId: string, now = new Date()): Promise<TillHint | null> {
    const run = await this.deps.db.manager.findOne(ScoreRun, { where: { merchantId, status: 'done' }, order: { createdAt: 'DESC' } });
    if (!run) return null;
    const [row] = await this.deps.db.manager.query('SELECT churn_risk, usual_gap_days, last_day, segment FROM analytics_member_scores WHERE run_id = ? AND member_id = ?', [run.id, memberId]);
    if (!row || row.churn_risk === null || toInt(row.churn_risk) < TILL_HINT_RISK) return null;
    const facts = await this.facts.factsOf(merchantId, memberId);
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    // A visit since the run counts: the facts are current.
    const lastDay = facts ? facts.lastDay : toInt(row.last_day);
    const daysSinceLast = dayOfDate(localDate(now, timeZone)) - lastDay;
    if (facts && facts.lastDay > toInt(row.last_day)) return null;
    return { churnRisk: toInt(row.churn_risk), usualGapDays: row.usual_gap_days === null ? null : toInt(row.usual_gap_days), daysSinceLast, segment: row.segment === null ? null : String(row.segment) };
  }
}

export function scoreView(r: Record<string, unknown>, label: { name: string; memberNumber: string } | undefined): MemberScoreView {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const int = (v: unknown) => (v === null || v === undefined ? null : toInt(v));
  return {
    memberId: String(r.member_id),
    name: label?.name ?? '',
    memberNumber: label?.memberNumber ?? null,
    visits: toInt(r.visits),
    spendMinor: toInt(r.spend_minor),
    firstDate: dateOfDay(toInt(r.first_day)),
    lastDate: dateOfDay(toInt(r.last_day)),
    daysSinceLast: toInt(r.days_since_last),
    r: toInt(r.r_score),
    f: toInt(r.f_score),
    m: toInt(r.m_score),
    segment: r.segment === null ? null : String(r.segment),
    abc: r.abc === null ? null : String(r.abc),
    churnRisk: int(r.churn_risk),
    reason: { usualGapDays: int(r.usual_gap_days), daysSinceLast: toInt(r.days_since_last), purchases: toInt(r.visits), rhythm: r.rhythm === null ? null : String(r.rhythm) },
    pAlive: num(r.p_alive),
    expectedPurchases: { d30: num(r.expected_30), d90: num(r.expected_90), d365: num(r.expected_365) },
    expectedSpendMinor: int(r.expected_spend_minor),
    clvMinor: int(r.clv_minor),
    atStakeMinor: int(r.at_stake_minor),
  };
}
