import type { Buckets } from '../db/buckets';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';
import { Purchase } from './purchase.entity';

export interface SalesFigures {
  memberMinor: number;
  anonymousMinor: number;
  memberCount: number;
  anonymousCount: number;
  /** Net sales to members per bucket. */
  memberWeekly: number[];
  anonymousWeekly: number[];
}

/**
 * Set-based figures over a merchant's completed purchases for the dashboard
 * (one aggregate query each, nothing loaded row by row). Amounts are net of
 * refunds.
 */
export class PurchaseFigures {
  constructor(private readonly deps: Deps) {}

  /** Distinct members who bought in the last 30 and 90 days. */
  async activeMembers(merchantId: string, d30: Date, d90: Date, now: Date): Promise<{ active30: number; active90: number }> {
    const row = await this.deps.db.manager
      .createQueryBuilder(Purchase, 'p')
      .select('COUNT(DISTINCT CASE WHEN p.occurred_at >= :d30 THEN p.member_id END)', 'active30')
      .addSelect('COUNT(DISTINCT p.member_id)', 'active90')
      .where(`p.merchant_id = :merchantId AND p.member_id IS NOT NULL AND p.status = 'completed' AND p.occurred_at >= :d90 AND p.occurred_at <= :now`, { merchantId, d30, d90, now })
      .getRawOne<Record<string, unknown>>();
    return { active30: toInt(row?.active30), active90: toInt(row?.active90) };
  }

  /** Net sales per store since `periodFrom`, members and anonymous apart, biggest first. */
  async salesByStore(merchantId: string, periodFrom: Date, now: Date): Promise<{ storeId: string; memberMinor: number; anonymousMinor: number; receipts: number }[]> {
    const net = '(p.total_minor - p.refunded_minor)';
    const rows = await this.deps.db.manager
      .createQueryBuilder(Purchase, 'p')
      .select('p.store_id', 'storeId')
      .addSelect(`SUM(CASE WHEN p.member_id IS NOT NULL THEN ${net} ELSE 0 END)`, 'memberMinor')
      .addSelect(`SUM(CASE WHEN p.member_id IS NULL THEN ${net} ELSE 0 END)`, 'anonymousMinor')
      .addSelect('COUNT(*)', 'receipts')
      .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.occurred_at >= :periodFrom AND p.occurred_at <= :now`, { merchantId, periodFrom, now })
      .groupBy('p.store_id')
      .getRawMany<Record<string, unknown>>();
    return rows
      .map((r) => ({ storeId: String(r.storeId), memberMinor: toInt(r.memberMinor), anonymousMinor: toInt(r.anonymousMinor), receipts: toInt(r.receipts) }))
      .sort((x, y) => y.memberMinor + y.anonymousMinor - (x.memberMinor + x.anonymousMinor) || x.storeId.localeCompare(y.storeId));
  }

  /** Sales of members and of anonymous shoppers since `periodFrom`, and per bucket. */
  async sales(merchantId: string, periodFrom: Date, buckets: Buckets, now: Date): Promise<SalesFigures> {
    const net = '(p.total_minor - p.refunded_minor)';
    const from = periodFrom < buckets.from ? periodFrom : buckets.from;
    const totals = await this.deps.db.manager
      .createQueryBuilder(Purchase, 'p')
      .select(`SUM(CASE WHEN p.member_id IS NOT NULL AND p.occurred_at >= :periodFrom THEN ${net} ELSE 0 END)`, 'memberMinor')
      .addSelect(`SUM(CASE WHEN p.member_id IS NULL AND p.occurred_at >= :periodFrom THEN ${net} ELSE 0 END)`, 'anonymousMinor')
      .addSelect(`SUM(CASE WHEN p.member_id IS NOT NULL AND p.occurred_at >= :periodFrom THEN 1 ELSE 0 END)`, 'memberCount')
      .addSelect(`SUM(CASE WHEN p.member_id IS NULL AND p.occurred_at >= :periodFrom THEN 1 ELSE 0 END)`, 'anonymousCount')
      .addSelect(buckets.sums('p.occurred_at', `CASE WHEN p.member_id IS NOT NULL THEN ${net} ELSE 0 END`))
      .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.occurred_at >= :from AND p.occurred_at <= :now`, { merchantId, periodFrom, from, now, ...buckets.params })
      .getRawOne<Record<string, unknown>>();
    const anonymous = await this.deps.db.manager
      .createQueryBuilder(Purchase, 'p')
      .select(buckets.sums('p.occurred_at', net))
      .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.member_id IS NULL AND p.occurred_at >= :e0`, { merchantId, ...buckets.params })
      .getRawOne<Record<string, unknown>>();
    return {
      memberMinor: toInt(totals?.memberMinor),
      anonymousMinor: toInt(totals?.anonymousMinor),
      memberCount: toInt(totals?.memberCount),
      anonymousCount: toInt(totals?.anonymousCount),
      memberWeekly: buckets.series(totals),
      anonymousWeekly: buckets.series(anonymous),
    };
  }
}
