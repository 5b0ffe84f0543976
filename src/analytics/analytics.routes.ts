import { stringify } from 'csv-stringify/sync';
import type { Api } from '../http/api';
import { AppError } from '../http/errors';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import type { MerchantsService } from '../merchants';
import {
  AsOfQuery,
  BacktestOut,
  BacktestQuery,
  DiagnosticsOut,
  MemberPanelOut,
  MemberParams,
  MembersOut,
  MembersQuery,
  OverviewOut,
  ParetoOut,
  ProductsOut,
  ProductsQuery,
  RunInput,
  RunOut,
  RunParams,
  RunsOut,
} from './analytics.schemas';
import type { AnalyticsService, MemberFilter, MemberScoreView } from './analytics.service';
import type { ScoreRun } from './score-run.entity';
import type { AnalyticsScoring } from './scoring.service';

const runView = (run: ScoreRun) => ({
  id: run.id,
  asOf: run.asOf,
  status: run.status,
  trigger: run.trigger,
  members: run.members,
  settings: { ...run.settings },
  error: run.error,
  createdAt: run.createdAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
});

const filterOf = (q: MembersQuery): MemberFilter => ({ segment: q.segment, r: q.r, f: q.f, m: q.m, abc: q.abc, minRisk: q.minRisk, sort: q.sort });

const MEMBER_CSV_COLUMNS = [
  'member_id',
  'member_number',
  'name',
  'segment',
  'r',
  'f',
  'm',
  'abc',
  'visits',
  'spend_minor',
  'last_visit',
  'days_since_last',
  'usual_gap_days',
  'churn_risk',
  'at_stake_minor',
  'p_alive',
  'expected_90',
  'clv_minor',
];
const memberCsvRow = (s: MemberScoreView) => [
  s.memberId,
  s.memberNumber ?? '',
  s.name,
  s.segment ?? '',
  s.r,
  s.f,
  s.m,
  s.abc ?? '',
  s.visits,
  s.spendMinor,
  s.lastDate,
  s.daysSinceLast,
  s.reason.usualGapDays ?? '',
  s.churnRisk ?? '',
  s.atStakeMinor ?? '',
  s.pAlive ?? '',
  s.expectedPurchases.d90 ?? '',
  s.clvMinor ?? '',
];

/** Member analytics: runs, the RFM grid, at-risk lists, CLV, ABC, per-member scores, diagnostics and the churn backtest (docs/analytics.md). */
export function analyticsRoutes(api: Api<{ analytics: AnalyticsService; analyticsScoring: AnalyticsScoring; merchants: MerchantsService }>): void {
  const { analytics, analyticsScoring, merchants } = api.services;

  route(api, {
    method: 'post',
    path: '/v1/analytics/runs',
    summary: 'Start a scoring run as of a date (default today): facts, RFM, ABC, churn risk, BG/NBD and Gamma-Gamma with CLV; settings not given are the previous run’s',
    tag: 'analytics',
    access: { staff: MANAGERS },
    body: RunInput,
    response: RunOut,
    status: 202,
    handler: async ({ principal, body }) => {
      const { asOf, aPercent, bPercent, ...rest } = body;
      const previous = (await analytics.runs(principal.merchantId))[0]?.settings.abc;
      const abc = aPercent !== undefined || bPercent !== undefined ? { aPercent: aPercent ?? previous?.aPercent ?? 80, bPercent: bPercent ?? previous?.bPercent ?? 15 } : undefined;
      if (abc && abc.aPercent + abc.bPercent > 100) {
        throw new AppError('VALIDATION_FAILED', 'aPercent + bPercent must be at most 100', [{ path: 'bPercent', message: 'A and B together at most 100' }]);
      }
      const settings = Object.fromEntries(Object.entries({ ...rest, abc }).filter(([, v]) => v !== undefined));
      return runView(await analyticsScoring.requestRun(principal.merchantId, { asOf, settings }, 'request'));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/runs',
    summary: 'The merchant’s latest scoring runs, newest first',
    tag: 'analytics',
    access: { staff: MANAGERS },
    response: RunsOut,
    handler: async ({ principal }) => ({ items: (await analytics.runs(principal.merchantId)).map(runView) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/runs/:runId',
    summary: 'One scoring run (its status while it runs)',
    tag: 'analytics',
    access: { staff: MANAGERS },
    params: RunParams,
    response: RunOut,
    handler: async ({ principal, params }) => runView(await analytics.getRun(principal.merchantId, params.runId)),
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/overview',
    summary: 'A run’s summaries: RFM grid and segments with spend share and movement since the previous run, ABC classes, CLV distribution, churn risk histogram, what had too few data',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: AsOfQuery,
    response: OverviewOut,
    handler: async ({ principal, query }) => {
      const run = await analytics.runAsOf(principal.merchantId, query.asOf);
      const { currency } = await merchants.merchantSettings(principal.merchantId);
      const summary = run.summary!;
      return { run: runView(run), currency, ...summary, tooFewData: run.diagnostics?.tooFewData ?? [] };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/members',
    summary: 'Members of a run with their scores, filtered by segment, RFM cell, ABC class or least churn risk; sort by value at stake for the at-risk list',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: MembersQuery,
    response: MembersOut,
    handler: async ({ principal, query }) => {
      const { run, items, total } = await analytics.members(principal.merchantId, query.asOf, filterOf(query), query);
      return { asOf: run.asOf, runId: run.id, items, total };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/members.csv',
    summary: 'The same member list as CSV, every matching member (limit and offset are ignored)',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: MembersQuery,
    produces: 'text/csv',
    handler: async ({ principal, query, res }) => {
      const rows = analytics.eachMember(principal.merchantId, query.asOf, filterOf(query));
      let started = false;
      for await (const { run, item } of rows) {
        if (!started) {
          res.setHeader('Content-Disposition', `attachment; filename="members-${run.asOf}.csv"`);
          res.type('text/csv');
          res.write(stringify([], { header: true, columns: MEMBER_CSV_COLUMNS }));
          started = true;
        }
        res.write(stringify([memberCsvRow(item)]));
      }
      if (!started) res.type('text/csv').write(stringify([], { header: true, columns: MEMBER_CSV_COLUMNS }));
      res.end();
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/members/:memberId',
    summary: 'A member’s panel: facts from every purchase so far and their scores in the run as of the date (reason, P(alive), expected purchases and spend, CLV)',
    tag: 'analytics',
    access: { staff: MANAGERS },
    params: MemberParams,
    query: AsOfQuery,
    response: MemberPanelOut,
    handler: async ({ principal, params, query }) => analytics.memberPanel(principal.merchantId, params.memberId, query.asOf),
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/products',
    summary: 'Products of a run by spend in the year before its date, with their ABC class',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: ProductsQuery,
    response: ProductsOut,
    handler: async ({ principal, query }) => {
      const { run, items, total } = await analytics.products(principal.merchantId, query.asOf, query, query);
      return { asOf: run.asOf, runId: run.id, items: items.map((p) => ({ sku: p.sku, name: p.name, category: p.category, spendMinor: p.spendMinor, quantityMilli: p.quantityMilli, receipts: p.receipts, abc: p.abc })), total };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/products.csv',
    summary: 'The product list as CSV (limit and offset are ignored)',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: ProductsQuery,
    produces: 'text/csv',
    handler: async ({ principal, query, res }) => {
      const { run, items } = await analytics.products(principal.merchantId, query.asOf, query, { limit: 1_000_000, offset: 0 });
      res.setHeader('Content-Disposition', `attachment; filename="products-${run.asOf}.csv"`);
      res.type('text/csv').send(
        stringify(
          items.map((p) => [p.sku, p.name ?? '', p.category ?? '', p.abc, p.spendMinor, p.quantityMilli, p.receipts]),
          { header: true, columns: ['sku', 'name', 'category', 'abc', 'spend_minor', 'quantity_milli', 'receipts'] },
        ),
      );
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/pareto',
    summary: 'ABC Pareto curves: cumulative share of spend by the top 5 %, 10 %, … of members and of products, with the classes',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: AsOfQuery,
    response: ParetoOut,
    handler: async ({ principal, query }) => {
      const { run, members, products } = await analytics.pareto(principal.merchantId, query.asOf);
      return { asOf: run.asOf, members, products, classes: run.summary!.abc };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/diagnostics',
    summary: 'A run’s model diagnostics: BG/NBD and Gamma-Gamma parameters, log-likelihood, repeat buyers, the merchant’s rhythm, the holdout check, what had too few data, timings',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: AsOfQuery,
    response: DiagnosticsOut,
    handler: async ({ principal, query }) => {
      const run = await analytics.runAsOf(principal.merchantId, query.asOf);
      return { asOf: run.asOf, runId: run.id, diagnostics: { ...run.diagnostics }, settings: { ...run.settings } };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/analytics/backtest',
    summary: 'The churn backtest: AUC of the risk scored as of the run’s date against who did not come back within the next N days (and of recency alone)',
    tag: 'analytics',
    access: { staff: MANAGERS },
    query: BacktestQuery,
    response: BacktestOut,
    handler: async ({ principal, query }) => analytics.backtest(principal.merchantId, query.asOf, query.days),
  });
}
