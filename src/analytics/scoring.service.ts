import type { EntityManager } from 'typeorm';
import { toInt } from '../db/columns';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import { enqueueInTransaction } from '../jobs/outbox';
import type { MerchantsService } from '../merchants';
import type { MemberPurchaseSources } from '../purchases';
import { abcClasses, type AbcClass } from './models/abc';
import { fitBgNbd } from './models/bgnbd';
import { merchantRhythmFromSums } from './models/churn';
import { fitGammaGamma } from './models/gamma-gamma';
import { RFM_SEGMENTS, type SegmentSummary } from './models/rfm';
import type { MemberFactsService } from './member-facts.service';
import { FACT_COLUMNS } from './member-facts.service';
import { MemberScore } from './member-score.entity';
import { writeScores } from './member-scores.repository';
import { ProductScore } from './product-score.entity';
import { ScoreRun } from './score-run.entity';
import {
  DEFAULT_RUN_SETTINGS,
  dateOfDay,
  dayOfDate,
  localDate,
  quintileCutPositions,
  scoreMember,
  startOfDate,
  type AbcCuts,
  type ClassSummary,
  type MemberFactsInput,
  type MerchantModel,
  type RunDiagnostics,
  type RunSettings,
  type RunSummary,
} from './scoring';

export interface ScoringUses {
  merchants: MerchantsService;
  memberPurchaseSources: MemberPurchaseSources;
}

export const SCORE_JOB = 'analytics.score';
/** Members scored per page (read, scored, written back), so memory stays flat. */
const PAGE = 2000;
const WRITE_CHUNK = 500;
/** Runs kept per merchant (older ones are deleted with their scores). */
const KEEP_RUNS = 12;


/**
 * The scoring run (issue 10): facts as of a day, RFM, ABC of members and
 * products, churn risk, BG/NBD and Gamma-Gamma with CLV, diagnostics and
 * summaries, stored per run. Everything merchant-wide is a set-based query
 * over the run's rows; members are scored a page at a time.
 */
export class AnalyticsScoring {
  constructor(
    private readonly deps: Deps,
    private readonly use: ScoringUses,
    private readonly facts: MemberFactsService,
  ) {}

  /** Queues a run as of a date (default today, merchant time); settings not given are the previous run's. */
  async requestRun(merchantId: string, input: { asOf?: string; settings?: Partial<RunSettings> }, trigger: 'nightly' | 'request', now = new Date()): Promise<ScoreRun> {
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    const today = localDate(now, timeZone);
    const asOf = input.asOf ?? today;
    if (asOf > today) throw new AppError('VALIDATION_FAILED', 'asOf cannot be in the future', [{ path: 'asOf', message: `at most ${today}` }]);
    const previous = await this.deps.db.manager.findOne(ScoreRun, { where: { merchantId }, order: { createdAt: 'DESC' } });
    const settings: RunSettings = { ...DEFAULT_RUN_SETTINGS, ...previous?.settings, ...input.settings };
    const run = Object.assign(new ScoreRun(), {
      id: newId(now.getTime()),
      merchantId,
      asOf,
      asOfDay: dayOfDate(asOf),
      status: 'queued',
      trigger,
      settings,
      members: 0,
      diagnostics: null,
      summary: null,
      error: null,
      createdAt: now,
      finishedAt: null,
    } satisfies ScoreRun);
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(ScoreRun, run);
      await enqueueInTransaction(tx, SCORE_JOB, { runId: run.id }, { merchantId, now });
    });
    return run;
  }

  /** The nightly schedule: a run as of today for every merchant. */
  async requestNightly(now = new Date()): Promise<number> {
    let queued = 0;
    for await (const merchantId of this.use.merchants.activeMerchantIds()) {
      await this.requestRun(merchantId, {}, 'nightly', now);
      queued++;
    }
    return queued;
  }

  /** Runs a queued run (the job). Idempotent: a finished run is left alone, an unfinished one starts over. */
  async run(runId: string, now = new Date()): Promise<void> {
    const run = await this.deps.db.manager.findOneBy(ScoreRun, { id: runId });
    if (!run || run.status === 'done') return;
    await this.deps.db.autocommit((m) => m.update(ScoreRun, { id: run.id }, { status: 'running' }));
    try {
      await this.score(run, now);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.deps.db.autocommit((m) => m.update(ScoreRun, { id: run.id }, { status: 'failed', error: message.slice(0, 500), finishedAt: new Date() }));
      throw err;
    }
  }

  private async score(run: ScoreRun, now: Date): Promise<void> {
    const { merchantId, asOfDay, settings } = run;
    const db = this.deps.db;
    const timings: Record<string, number> = {};
    let mark = Date.now();
    const lap = (step: string) => {
      timings[step] = (Date.now() - mark) / 1000;
      mark = Date.now();
    };
    const { timeZone } = await this.use.merchants.merchantSettings(merchantId);
    if (run.trigger === 'nightly') {
      await this.facts.rebuild(merchantId, now);
      lap('memberFacts');
    }
    const before = startOfDate(run.asOf, timeZone);
    const range = await this.facts.rangeAt(merchantId, before);
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM analytics_member_scores WHERE run_id = ?', [run.id]);
      await tx.query('DELETE FROM analytics_product_scores WHERE run_id = ?', [run.id]);
      const facts = this.facts.factsSelect(merchantId, range);
      await tx.query(
        `INSERT INTO analytics_member_scores (run_id, merchant_id, member_id, ${FACT_COLUMNS.join(', ')}, days_since_last)
         SELECT ?, ?, x.member_id, ${FACT_COLUMNS.map((c) => `x.${c}`).join(', ')}, ? - x.last_day FROM (${facts.sql}) x`,
        [run.id, merchantId, asOfDay, ...facts.params],
      );
    });
    lap('factsAsOf');
    const members = await db.manager.countBy(MemberScore, { runId: run.id });
    const model = await this.merchantModel(run, members);
    lap('merchantWide');
    const fits = await this.fit(run, members, model);
    lap('fit');
    let after = '';
    for (;;) {
      const page: (MemberFactsInput & { member_id: string })[] = (
        await db.manager.query(
          `SELECT member_id, first_day, last_day, visits, spend_minor, first_visit_minor, gap_count, gap_log_sum, gap_log_squares
           FROM analytics_member_scores WHERE run_id = ? AND member_id > ? ORDER BY member_id LIMIT ${PAGE}`,
          [run.id, after],
        )
      ).map(factsRow);
      if (page.length === 0) break;
      const scored = page.map((f) => ({ memberId: f.member_id, scores: scoreMember(f, fits) }));
      for (let i = 0; i < scored.length; i += WRITE_CHUNK) {
        await db.autocommit((m) => writeScores(m, db.dialect, run.id, merchantId, scored.slice(i, i + WRITE_CHUNK)));
      }
      after = page[page.length - 1].member_id;
    }
    lap('members');
    const productSummary = await this.scoreProducts(run, before, settings);
    lap('products');
    const summary = await this.summarize(run, productSummary, fits.bgNbd !== null && fits.gammaGamma !== null);
    const holdout = fits.bgNbd ? await this.holdout(run, before, now, timeZone) : null;
    lap('summaries');
    const diagnostics: RunDiagnostics = { ...model.diagnostics, ...fits.diagnostics, holdout, timings };
    await db.autocommit((m) => m.update(ScoreRun, { id: run.id }, { status: 'done', members, diagnostics, summary, finishedAt: new Date() }));
    await this.prune(merchantId);
  }

  /** RFM cut points, ABC thresholds and the merchant's rhythm: set-based over the run's rows. */
  private async merchantModel(run: ScoreRun, members: number): Promise<{ rfm: MerchantModel['rfm']; abc: AbcCuts; rhythm: MerchantModel['rhythm']; diagnostics: Pick<RunDiagnostics, 'members' | 'rhythm'> }> {
    const m = this.deps.db.manager;
    const cuts = async (column: string, direction: 'ASC' | 'DESC'): Promise<number[]> => {
      if (members === 0) return [];
      const out: number[] = [];
      for (const position of quintileCutPositions(members)) {
        const [row] = await m.query(`SELECT ${column} AS v FROM analytics_member_scores WHERE run_id = ? ORDER BY ${column} ${direction} LIMIT 1 OFFSET ${position}`, [run.id]);
        out.push(Number(row.v));
      }
      return out;
    };
    // Worst first: the most days since the last visit, the fewest visits, the least spend.
    const rfm = { recency: await cuts('days_since_last', 'DESC'), frequency: await cuts('visits', 'ASC'), monetary: await cuts('spend_minor', 'ASC') };
    const { aPercent, bPercent } = run.settings.abc;
    const [total] = await m.query('SELECT COALESCE(SUM(spend_minor), 0) AS total FROM analytics_member_scores WHERE run_id = ? AND spend_minor > 0', [run.id]);
    const totalSpend = toInt(total.total);
    // The spend before each member in descending order; the lowest spend still starting below 80 % (95 %) of the total is A's (B's) threshold.
    const [abcRow] = await m.query(
      `SELECT MIN(CASE WHEN x.before_minor * 100 < ? THEN x.spend_minor END) AS a_min, MIN(CASE WHEN x.before_minor * 100 < ? THEN x.spend_minor END) AS b_min
       FROM (SELECT spend_minor, COALESCE(SUM(spend_minor) OVER (ORDER BY spend_minor DESC, member_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_minor
             FROM analytics_member_scores WHERE run_id = ? AND spend_minor > 0) x`,
      [totalSpend * aPercent, totalSpend * (aPercent + bPercent), run.id],
    );
    const abc = { aMin: abcRow.a_min === null ? null : Number(abcRow.a_min), bMin: abcRow.b_min === null ? null : Number(abcRow.b_min) };
    const [sums] = await m.query(
      `SELECT COALESCE(SUM(gap_count), 0) AS n, COALESCE(SUM(gap_log_sum), 0) AS s, COALESCE(SUM(gap_log_squares), 0) AS q,
         COALESCE(SUM(CASE WHEN gap_count >= 2 THEN gap_log_squares - gap_log_sum * gap_log_sum / gap_count END), 0) AS wq,
         COALESCE(SUM(CASE WHEN gap_count >= 2 THEN gap_count - 1 END), 0) AS wd
       FROM analytics_member_scores WHERE run_id = ?`,
      [run.id],
    );
    const rhythm = merchantRhythmFromSums(
      { count: toInt(sums.n), logSum: Number(sums.s), logSquares: Number(sums.q) },
      { squares: Math.max(0, Number(sums.wq)), degrees: toInt(sums.wd) },
    );
    return { rfm, abc, rhythm, diagnostics: { members, rhythm } };
  }

  /**
   * BG/NBD on the members' distinct (x, t_x, T) with their counts, and
   * Gamma-Gamma on the repeat buyers, both on a random sample beyond
   * fitSampleSize members (the last two hex digits of the random tail of the
   * member id).
   */
  private async fit(run: ScoreRun, members: number, model: Awaited<ReturnType<AnalyticsScoring['merchantModel']>>): Promise<MerchantModel & { diagnostics: Pick<RunDiagnostics, 'fitMembers' | 'bgNbd' | 'gammaGamma' | 'tooFewData'> }> {
    const m = this.deps.db.manager;
    const { fitSampleSize } = run.settings;
    let sample = '';
    const params: unknown[] = [run.id];
    if (members > fitSampleSize) {
      const below = Math.ceil((256 * fitSampleSize) / members);
      sample = ' AND SUBSTR(member_id, 35, 2) < ?';
      params.push(below.toString(16).padStart(2, '0'));
    }
    const triples: Record<string, unknown>[] = await m.query(
      `SELECT visits, first_day, last_day, COUNT(*) AS n FROM analytics_member_scores WHERE run_id = ?${sample} GROUP BY visits, first_day, last_day`,
      params,
    );
    const frequency = Int32Array.from(triples, (r) => toInt(r.visits) - 1);
    const recency = Float64Array.from(triples, (r) => toInt(r.last_day) - toInt(r.first_day));
    const T = Float64Array.from(triples, (r) => run.asOfDay - toInt(r.first_day));
    const count = Int32Array.from(triples, (r) => toInt(r.n));
    const fitMembers = count.reduce((s, v) => s + v, 0);
    const bgNbd = fitBgNbd({ frequency, recency, T, count });
    const buyers: Record<string, unknown>[] = await m.query(
      `SELECT visits - 1 AS x, spend_minor - first_visit_minor AS repeat_minor FROM analytics_member_scores WHERE run_id = ? AND visits > 1${sample}`,
      params,
    );
    const gammaGamma = fitGammaGamma({ frequency: buyers.map((b) => toInt(b.x)), monetary: buyers.map((b) => toInt(b.repeat_minor) / toInt(b.x)) });
    const tooFewData: string[] = [];
    if (bgNbd.status !== 'fitted') tooFewData.push(`BG/NBD: ${bgNbd.reason}`);
    if (gammaGamma.status !== 'fitted') tooFewData.push(`Gamma-Gamma: ${gammaGamma.reason}`);
    if (model.rhythm === null) tooFewData.push('rhythm: fewer than 10 gaps between visits; churn risk uses P(alive) alone');
    return {
      asOfDay: run.asOfDay,
      rfm: model.rfm,
      abc: model.abc,
      rhythm: model.rhythm,
      bgNbd: bgNbd.status === 'fitted' ? bgNbd.params : null,
      gammaGamma: gammaGamma.status === 'fitted' ? gammaGamma.params : null,
      settings: run.settings,
      diagnostics: { fitMembers, bgNbd, gammaGamma, tooFewData },
    };
  }

  /** Products by net spend in the year before the as-of day, classed A/B/C like members. */
  private async scoreProducts(run: ScoreRun, before: Date, settings: RunSettings): Promise<ClassSummary[]> {
    const from = new Date(before.getTime() - 365 * 86_400_000);
    const products = await this.use.memberPurchaseSources.productSpend(run.merchantId, from, before);
    const classes = abcClasses(
      products.map((p) => p.spendMinor),
      settings.abc,
    );
    const rows = products.map((p, i) => Object.assign(new ProductScore(), { ...p, runId: run.id, merchantId: run.merchantId, abc: classes[i] }));
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      const chunk = rows.slice(i, i + WRITE_CHUNK);
      await this.deps.db.autocommit((m) => m.createQueryBuilder().insert().into(ProductScore).values(chunk).updateEntity(false).execute());
    }
    return classSummary(products.map((p, i) => ({ cls: classes[i], spendMinor: p.spendMinor })));
  }

  private async summarize(run: ScoreRun, products: ClassSummary[], withClv: boolean): Promise<RunSummary> {
    const m = this.deps.db.manager;
    const segmentRows: Record<string, unknown>[] = await m.query('SELECT segment, COUNT(*) AS n, SUM(spend_minor) AS spend FROM analytics_member_scores WHERE run_id = ? GROUP BY segment', [run.id]);
    const total = segmentRows.reduce((s, r) => s + toInt(r.spend), 0);
    const segments: SegmentSummary[] = RFM_SEGMENTS.map((segment) => {
      const row = segmentRows.find((r) => r.segment === segment);
      const spendMinor = row ? toInt(row.spend) : 0;
      return { segment, members: row ? toInt(row.n) : 0, spendMinor, spendShareBasisPoints: total > 0 ? Math.round((spendMinor * 10_000) / total) : 0 };
    });
    const grid = (await m.query('SELECT r_score, f_score, COUNT(*) AS n, SUM(spend_minor) AS spend FROM analytics_member_scores WHERE run_id = ? GROUP BY r_score, f_score', [run.id])).map(
      (r: Record<string, unknown>) => ({ r: toInt(r.r_score), f: toInt(r.f_score), members: toInt(r.n), spendMinor: toInt(r.spend) }),
    );
    const abcMembers = (await m.query('SELECT abc, COUNT(*) AS n, SUM(spend_minor) AS spend FROM analytics_member_scores WHERE run_id = ? GROUP BY abc', [run.id])).map(
      (r: Record<string, unknown>) => ({ class: r.abc as AbcClass, count: toInt(r.n), spendMinor: toInt(r.spend) }),
    );
    const churn = (
      await m.query(
        'SELECT CASE WHEN churn_risk >= 90 THEN 9 ELSE FLOOR(churn_risk / 10.0) END AS tenth, COUNT(*) AS n, SUM(at_stake_minor) AS stake FROM analytics_member_scores WHERE run_id = ? GROUP BY CASE WHEN churn_risk >= 90 THEN 9 ELSE FLOOR(churn_risk / 10.0) END',
        [run.id],
      )
    )
      .map((r: Record<string, unknown>) => ({ from: toInt(Number(r.tenth)) * 10, members: toInt(r.n), atStakeMinor: toInt(r.stake) }))
      .sort((p: { from: number }, q: { from: number }) => p.from - q.from);
    return {
      segments,
      grid,
      movement: await this.movement(run),
      abc: { members: ['A', 'B', 'C'].map((c) => abcMembers.find((r: ClassSummary) => r.class === c) ?? { class: c as AbcClass, count: 0, spendMinor: 0 }), products },
      clv: withClv ? await this.clvDistribution(run.id) : null,
      churn,
    };
  }

  private async movement(run: ScoreRun): Promise<RunSummary['movement']> {
    const m = this.deps.db.manager;
    const [previous] = await m.query(`SELECT id, as_of FROM analytics_runs WHERE merchant_id = ? AND status = 'done' AND id <> ? ORDER BY created_at DESC LIMIT 1`, [run.merchantId, run.id]);
    if (!previous) return null;
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT COALESCE(p.segment, 'New member') AS from_segment, c.segment AS to_segment, COUNT(*) AS n
       FROM analytics_member_scores c LEFT JOIN analytics_member_scores p ON p.run_id = ? AND p.member_id = c.member_id
       WHERE c.run_id = ? GROUP BY COALESCE(p.segment, 'New member'), c.segment`,
      [previous.id, run.id],
    );
    return {
      previousRunId: String(previous.id),
      previousAsOf: String(previous.as_of instanceof Date ? previous.as_of.toISOString().slice(0, 10) : previous.as_of).slice(0, 10),
      moves: rows.map((r) => ({ from: String(r.from_segment), to: String(r.to_segment), members: toInt(r.n) })).sort((p, q) => q.members - p.members),
    };
  }

  private async clvDistribution(runId: string): Promise<RunSummary['clv']> {
    const m = this.deps.db.manager;
    const [counted] = await m.query('SELECT COUNT(*) AS n, COALESCE(SUM(clv_minor), 0) AS total FROM analytics_member_scores WHERE run_id = ? AND clv_minor IS NOT NULL', [runId]);
    const n = toInt(counted.n);
    if (n === 0) return null;
    const at = async (q: number) => {
      const [row] = await m.query(`SELECT clv_minor AS v FROM analytics_member_scores WHERE run_id = ? AND clv_minor IS NOT NULL ORDER BY clv_minor LIMIT 1 OFFSET ${Math.min(n - 1, Math.floor(q * n))}`, [runId]);
      return toInt(row.v);
    };
    const [p50, p90, p99] = [await at(0.5), await at(0.9), await at(0.99)];
    // Ten equal buckets up to the 99th percentile and one above it.
    const width = Math.max(1, Math.ceil(p99 / 10));
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT CASE WHEN clv_minor >= ? THEN 10 ELSE FLOOR(clv_minor / ?) END AS b, COUNT(*) AS n FROM analytics_member_scores WHERE run_id = ? AND clv_minor IS NOT NULL
       GROUP BY CASE WHEN clv_minor >= ? THEN 10 ELSE FLOOR(clv_minor / ?) END`,
      [width * 10, width, runId, width * 10, width],
    );
    const buckets = Array.from({ length: 11 }, (_, b) => ({ fromMinor: b * width, toMinor: b === 10 ? null : (b + 1) * width, members: 0 }));
    for (const r of rows) buckets[Math.max(0, Math.min(10, toInt(Number(r.b))))].members += toInt(r.n);
    return { buckets, p50, p90, p99, totalMinor: toInt(counted.total) };
  }

  /**
   * The calibration/holdout check, once the holdout period after the as-of
   * day is over: per calibration frequency, expected visits (E[Y(t)] of the
   * run) against the visits that happened.
   */
  private async holdout(run: ScoreRun, before: Date, now: Date, timeZone: string): Promise<RunDiagnostics['holdout']> {
    const days = run.settings.holdoutDays;
    const until = startOfDate(dateOfDay(run.asOfDay + days), timeZone);
    if (until > now) return null;
    const column = { 30: 'expected_30', 90: 'expected_90', 365: 'expected_365' }[days as 30 | 90 | 365];
    const visits = this.use.memberPurchaseSources.visits(run.merchantId, { ...(await this.facts.rangeAt(run.merchantId, until)), from: before });
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT CASE WHEN s.visits >= 8 THEN 7 ELSE s.visits - 1 END AS x, COUNT(*) AS n, SUM(s.${column}) AS expected, COALESCE(SUM(h.visits), 0) AS actual
       FROM analytics_member_scores s LEFT JOIN (SELECT hv.member_id, COUNT(*) AS visits FROM (${visits.sql}) hv GROUP BY hv.member_id) h ON h.member_id = s.member_id
       WHERE s.run_id = ? GROUP BY CASE WHEN s.visits >= 8 THEN 7 ELSE s.visits - 1 END`,
      [...visits.params, run.id],
    );
    const byFrequency = Array.from({ length: 8 }, (_, x) => {
      const row = rows.find((r) => toInt(r.x) === x);
      const members = row ? toInt(row.n) : 0;
      return {
        frequency: x === 7 ? '7+' : String(x),
        members,
        expectedMean: members > 0 ? Number(row?.expected) / members : 0,
        actualMean: members > 0 ? toInt(row?.actual) / members : 0,
      };
    });
    const expected = rows.reduce((s, r) => s + Number(r.expected), 0);
    const actual = rows.reduce((s, r) => s + toInt(r.actual), 0);
    const members = rows.reduce((s, r) => s + toInt(r.n), 0);
    return { days, members, expected, actual, relativeError: actual > 0 ? (expected - actual) / actual : null, byFrequency };
  }

  /** Keeps the newest KEEP_RUNS runs of the merchant. */
  private async prune(merchantId: string): Promise<void> {
    const old: { id: string }[] = await this.deps.db.manager.query(`SELECT id FROM analytics_runs WHERE merchant_id = ? ORDER BY created_at DESC LIMIT 1000 OFFSET ${KEEP_RUNS}`, [merchantId]);
    for (const { id } of old) {
      await this.deps.db.transaction(async (tx: EntityManager) => {
        await tx.query('DELETE FROM analytics_member_scores WHERE run_id = ?', [id]);
        await tx.query('DELETE FROM analytics_product_scores WHERE run_id = ?', [id]);
        await tx.query('DELETE FROM analytics_runs WHERE id = ?', [id]);
      });
    }
  }

  async getRun(merchantId: string, runId: string): Promise<ScoreRun> {
    return found(await this.deps.db.manager.findOneBy(ScoreRun, { id: runId, merchantId }), 'run');
  }
}

function factsRow(r: Record<string, unknown>): MemberFactsInput & { member_id: string } {
  return {
    member_id: String(r.member_id),
    firstDay: toInt(r.first_day),
    lastDay: toInt(r.last_day),
    visits: toInt(r.visits),
    spendMinor: toInt(r.spend_minor),
    firstVisitMinor: toInt(r.first_visit_minor),
    gapCount: toInt(r.gap_count),
    gapLogSum: Number(r.gap_log_sum),
    gapLogSquares: Number(r.gap_log_squares),
  };
}

function classSummary(items: { cls: AbcClass; spendMinor: number }[]): ClassSummary[] {
  return (['A', 'B', 'C'] as const).map((cls) => {
    const of = items.filter((i) => i.cls === cls);
    return { class: cls, count: of.length, spendMinor: of.reduce((s, i) => s + i.spendMinor, 0) };
  });
}
