import { Buckets } from '../db/buckets';
import type { Deps } from '../deps';
import type { MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { PointsFigures } from '../points';
import type { PurchaseFigures } from '../purchases';
import type { RulesService } from '../rules';
import type { DashboardOut, DashboardQuery } from './reports.schemas';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The other modules' services this one calls. */
export interface ReportsServiceUses {
  merchants: MerchantsService;
  members: MembersService;
  purchaseFigures: PurchaseFigures;
  pointsFigures: PointsFigures;
  rules: RulesService;
}

/**
 * Read-only figures for the owner's dashboard. Each module computes its own
 * figures with set-based aggregates over its own tables (conditional
 * SUM/COUNT with bound time boundaries); this module only puts them together.
 */
export class ReportsService {
  constructor(
    _deps: Deps,
    private readonly use: ReportsServiceUses,
  ) {}

  async dashboard(merchantId: string, query: DashboardQuery, now = new Date()): Promise<DashboardOut> {
    const merchant = await this.use.merchants.getMerchant(merchantId);
    const periodFrom = new Date(now.getTime() - query.days * DAY_MS);
    const d30 = new Date(now.getTime() - 30 * DAY_MS);
    const d90 = new Date(now.getTime() - 90 * DAY_MS);
    // Bucket i covers [edges[i], edges[i + 1]); the last edge is now.
    const buckets = new Buckets(Array.from({ length: query.weeks + 1 }, (_, i) => new Date(now.getTime() - (query.weeks - i) * 7 * DAY_MS)));

    const members = await this.use.members.figures(merchantId, buckets);
    const active = await this.use.purchaseFigures.activeMembers(merchantId, d30, d90, now);
    const sales = await this.use.purchaseFigures.sales(merchantId, periodFrom, buckets, now);
    const points = await this.use.pointsFigures.movements(merchantId, periodFrom, buckets);
    const balances = await this.use.pointsFigures.balances(merchantId);
    const weekly = bucketRows(buckets, members.enrolled, sales, points);
    const bucketDays = query.days <= 31 ? 1 : 7;
    const count = Math.ceil(query.days / bucketDays);
    // Newest bucket ends now; the oldest starts at the period's start (cut short when days is not a multiple).
    const periodBuckets = new Buckets(Array.from({ length: count + 1 }, (_, i) => (i === 0 ? periodFrom : new Date(now.getTime() - (count - i) * bucketDays * DAY_MS))));
    const series = await this.series(merchantId, periodBuckets, periodFrom, now);
    const stores = await this.use.purchaseFigures.salesByStore(merchantId, periodFrom, now);

    const program = await this.use.rules.programAt(merchantId, now);
    // Negative balances (points clawed back after spending) are not a liability.
    const outstanding = Math.max(0, balances.outstanding);
    const { pointsPerUnit, unitValueMinor } = program.redemption;
    const liabilityMinor = Number((BigInt(outstanding) * BigInt(unitValueMinor)) / BigInt(pointsPerUnit));

    return {
      currency: merchant.currency,
      generatedAt: now.toISOString(),
      periodDays: query.days,
      members: { total: members.total, active: members.active, active30: active.active30, active90: active.active90 },
      sales: { memberMinor: sales.memberMinor, anonymousMinor: sales.anonymousMinor, memberCount: sales.memberCount, anonymousCount: sales.anonymousCount },
      points: {
        issued: points.issued,
        redeemed: points.redeemed,
        outstanding,
        liabilityMinor,
        lifetimeEarned: balances.lifetimeEarned,
        lifetimeRedeemed: balances.lifetimeRedeemed,
      },
      weekly,
      series: { bucketDays, items: series },
      stores,
    };
  }

  /** New members, sales and points per bucket of the period. */
  private async series(merchantId: string, buckets: Buckets, periodFrom: Date, now: Date): Promise<DashboardOut['weekly']> {
    const members = await this.use.members.figures(merchantId, buckets);
    const sales = await this.use.purchaseFigures.sales(merchantId, periodFrom, buckets, now);
    const points = await this.use.pointsFigures.movements(merchantId, periodFrom, buckets);
    return bucketRows(buckets, members.enrolled, sales, points);
  }
}

function bucketRows(
  buckets: Buckets,
  enrolled: number[],
  sales: { memberWeekly: number[]; anonymousWeekly: number[] },
  points: { issuedWeekly: number[]; redeemedWeekly: number[] },
): DashboardOut['weekly'] {
  return buckets.edges.slice(0, -1).map((from, i) => ({
    from: from.toISOString(),
    newMembers: enrolled[i],
    memberSalesMinor: sales.memberWeekly[i],
    anonymousSalesMinor: sales.anonymousWeekly[i],
    pointsIssued: points.issuedWeekly[i],
    pointsRedeemed: points.redeemedWeekly[i],
  }));
}
