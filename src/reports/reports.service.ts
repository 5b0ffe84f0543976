import type { Deps } from '../deps';
import { toInt } from '../db/columns';
import type { DashboardOut, DashboardQuery } from './reports.schemas';
import type { MerchantsService } from '../merchants';
import type { RulesService } from '../rules';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The other modules' services this one calls. */
export interface ReportsServiceUses { merchants: MerchantsService; rules: RulesService }

/**
 * Read-only figures for the owner's dashboard. Each figure is one set-based
 * aggregate over a merchant's rows (conditional SUM/COUNT with bound time
 * boundaries, so the same SQL runs on MySQL and SQLite); nothing is loaded
 * row by row. Reporting reads across the members, purchases and points
 * tables on purpose: joining through each service would mean one query per
 * member.
 */
export class ReportsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: ReportsServiceUses,
  ) {}

  async dashboard(merchantId: string, query: DashboardQuery, now = new Date()): Promise<DashboardOut> {
    const m = this.deps.db.manager;
    const merchant = await this.use.merchants.getMerchant(merchantId);
    const periodFrom = new Date(now.getTime() - query.days * DAY_MS);
    const d30 = new Date(now.getTime() - 30 * DAY_MS);
    const d90 = new Date(now.getTime() - 90 * DAY_MS);
    // Bucket i covers [edges[i], edges[i + 1]); the last edge is now.
    const edges = Array.from({ length: query.weeks + 1 }, (_, i) => new Date(now.getTime() - (query.weeks - i) * 7 * DAY_MS));
    const seriesFrom = edges[0];
    const bucketParams = Object.fromEntries(edges.map((e, i) => [`e${i}`, e]));
    const buckets = (column: string, value: string) =>
      edges
        .slice(0, -1)
        .map((_, i) => `SUM(CASE WHEN ${column} >= :e${i} AND ${column} < :e${i + 1} THEN ${value} ELSE 0 END) AS b${i}`)
        .join(', ');
    const series = (row: Record<string, unknown> | undefined) => edges.slice(0, -1).map((_, i) => toInt(row?.[`b${i}`]));

    const members = await m
      .createQueryBuilder()
      .from('members', 'mb')
      .select('COUNT(*)', 'total')
      .addSelect(`SUM(CASE WHEN mb.status = 'active' THEN 1 ELSE 0 END)`, 'active')
      .addSelect(buckets('mb.enrolled_at', '1'))
      .where('mb.merchant_id = :merchantId AND mb.merged_into_id IS NULL', { merchantId, ...bucketParams })
      .getRawOne<Record<string, unknown>>();

    const active = await m
      .createQueryBuilder()
      .from('purchases', 'p')
      .select('COUNT(DISTINCT CASE WHEN p.occurred_at >= :d30 THEN p.member_id END)', 'active30')
      .addSelect('COUNT(DISTINCT p.member_id)', 'active90')
      .where(`p.merchant_id = :merchantId AND p.member_id IS NOT NULL AND p.status = 'completed' AND p.occurred_at >= :d90 AND p.occurred_at <= :now`, {
        merchantId,
        d30,
        d90,
        now,
      })
      .getRawOne<Record<string, unknown>>();

    const net = '(p.total_minor - p.refunded_minor)';
    const salesFrom = periodFrom < seriesFrom ? periodFrom : seriesFrom;
    const sales = await m
      .createQueryBuilder()
      .from('purchases', 'p')
      .select(`SUM(CASE WHEN p.member_id IS NOT NULL AND p.occurred_at >= :periodFrom THEN ${net} ELSE 0 END)`, 'memberMinor')
      .addSelect(`SUM(CASE WHEN p.member_id IS NULL AND p.occurred_at >= :periodFrom THEN ${net} ELSE 0 END)`, 'anonymousMinor')
      .addSelect(`SUM(CASE WHEN p.member_id IS NOT NULL AND p.occurred_at >= :periodFrom THEN 1 ELSE 0 END)`, 'memberCount')
      .addSelect(`SUM(CASE WHEN p.member_id IS NULL AND p.occurred_at >= :periodFrom THEN 1 ELSE 0 END)`, 'anonymousCount')
      .addSelect(buckets('p.occurred_at', `CASE WHEN p.member_id IS NOT NULL THEN ${net} ELSE 0 END`))
      .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.occurred_at >= :salesFrom AND p.occurred_at <= :now`, {
        merchantId,
        periodFrom,
        salesFrom,
        now,
        ...bucketParams,
      })
      .getRawOne<Record<string, unknown>>();
    const anonymousWeekly = await m
      .createQueryBuilder()
      .from('purchases', 'p')
      .select(buckets('p.occurred_at', net))
      .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.member_id IS NULL AND p.occurred_at >= :e0`, { merchantId, ...bucketParams })
      .getRawOne<Record<string, unknown>>();

    const issuedKinds = `e.kind IN ('earn', 'bonus')`;
    const points = await m
      .createQueryBuilder()
      .from('point_entries', 'e')
      .select(`SUM(CASE WHEN ${issuedKinds} AND e.occurred_at >= :periodFrom THEN e.points ELSE 0 END)`, 'issued')
      .addSelect(`SUM(CASE WHEN e.kind = 'redeem' AND e.occurred_at >= :periodFrom THEN -e.points ELSE 0 END)`, 'redeemed')
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :salesFrom', { merchantId, periodFrom, salesFrom })
      .getRawOne<Record<string, unknown>>();
    const issuedWeekly = await m
      .createQueryBuilder()
      .from('point_entries', 'e')
      .select(buckets('e.occurred_at', `CASE WHEN ${issuedKinds} THEN e.points ELSE 0 END`))
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :e0', { merchantId, ...bucketParams })
      .getRawOne<Record<string, unknown>>();
    const redeemedWeekly = await m
      .createQueryBuilder()
      .from('point_entries', 'e')
      .select(buckets('e.occurred_at', `CASE WHEN e.kind = 'redeem' THEN -e.points ELSE 0 END`))
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :e0', { merchantId, ...bucketParams })
      .getRawOne<Record<string, unknown>>();

    const balances = await m
      .createQueryBuilder()
      .from('member_balances', 'b')
      .select('SUM(b.available + b.pending)', 'outstanding')
      .addSelect('SUM(b.lifetime_earned)', 'lifetimeEarned')
      .addSelect('SUM(b.lifetime_redeemed)', 'lifetimeRedeemed')
      .where('b.merchant_id = :merchantId', { merchantId })
      .getRawOne<Record<string, unknown>>();

    const program = await this.use.rules.programAt(merchantId, now);
    // Negative balances (points clawed back after spending) are not a liability.
    const outstanding = Math.max(0, toInt(balances?.outstanding));
    const { pointsPerUnit, unitValueMinor } = program.redemption;
    const liabilityMinor = Number((BigInt(outstanding) * BigInt(unitValueMinor)) / BigInt(pointsPerUnit));

    const newMembers = series(members);
    const memberSales = series(sales);
    const anonymousSales = series(anonymousWeekly);
    const issued = series(issuedWeekly);
    const redeemed = series(redeemedWeekly);
    return {
      currency: merchant.currency,
      generatedAt: now.toISOString(),
      periodDays: query.days,
      members: {
        total: toInt(members?.total),
        active: toInt(members?.active),
        active30: toInt(active?.active30),
        active90: toInt(active?.active90),
      },
      sales: {
        memberMinor: toInt(sales?.memberMinor),
        anonymousMinor: toInt(sales?.anonymousMinor),
        memberCount: toInt(sales?.memberCount),
        anonymousCount: toInt(sales?.anonymousCount),
      },
      points: {
        issued: toInt(points?.issued),
        redeemed: toInt(points?.redeemed),
        outstanding,
        liabilityMinor,
        lifetimeEarned: toInt(balances?.lifetimeEarned),
        lifetimeRedeemed: toInt(balances?.lifetimeRedeemed),
      },
      weekly: edges.slice(0, -1).map((from, i) => ({
        from: from.toISOString(),
        newMembers: newMembers[i],
        memberSalesMinor: memberSales[i],
        anonymousSalesMinor: anonymousSales[i],
        pointsIssued: issued[i],
        pointsRedeemed: redeemed[i],
      })),
    };
  }
}
