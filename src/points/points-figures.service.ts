import type { Buckets } from '../db/buckets';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';
import { MemberBalance } from './member-balance.entity';
import { PointEntry } from './point-entry.entity';

/** Set-based figures over a merchant's ledger and balances for the dashboard. */
export class PointsFigures {
  constructor(private readonly deps: Deps) {}

  /** Points issued (earn and bonus) and redeemed since `periodFrom`, and per bucket. */
  async movements(merchantId: string, periodFrom: Date, buckets: Buckets): Promise<{ issued: number; redeemed: number; issuedWeekly: number[]; redeemedWeekly: number[] }> {
    const issuedKinds = `e.kind IN ('earn', 'bonus')`;
    const from = periodFrom < buckets.from ? periodFrom : buckets.from;
    const m = this.deps.db.manager;
    const totals = await m
      .createQueryBuilder(PointEntry, 'e')
      .select(`SUM(CASE WHEN ${issuedKinds} AND e.occurred_at >= :periodFrom THEN e.points ELSE 0 END)`, 'issued')
      .addSelect(`SUM(CASE WHEN e.kind = 'redeem' AND e.occurred_at >= :periodFrom THEN -e.points ELSE 0 END)`, 'redeemed')
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :from', { merchantId, periodFrom, from })
      .getRawOne<Record<string, unknown>>();
    const issued = await m
      .createQueryBuilder(PointEntry, 'e')
      .select(buckets.sums('e.occurred_at', `CASE WHEN ${issuedKinds} THEN e.points ELSE 0 END`))
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :e0', { merchantId, ...buckets.params })
      .getRawOne<Record<string, unknown>>();
    const redeemed = await m
      .createQueryBuilder(PointEntry, 'e')
      .select(buckets.sums('e.occurred_at', `CASE WHEN e.kind = 'redeem' THEN -e.points ELSE 0 END`))
      .where('e.merchant_id = :merchantId AND e.occurred_at >= :e0', { merchantId, ...buckets.params })
      .getRawOne<Record<string, unknown>>();
    return { issued: toInt(totals?.issued), redeemed: toInt(totals?.redeemed), issuedWeekly: buckets.series(issued), redeemedWeekly: buckets.series(redeemed) };
  }

  /** Sums over every balance of the merchant (negative balances included; the caller decides what is a liability). */
  async balances(merchantId: string): Promise<{ outstanding: number; lifetimeEarned: number; lifetimeRedeemed: number }> {
    const row = await this.deps.db.manager
      .createQueryBuilder(MemberBalance, 'b')
      .select('SUM(b.available + b.pending)', 'outstanding')
      .addSelect('SUM(b.lifetime_earned)', 'lifetimeEarned')
      .addSelect('SUM(b.lifetime_redeemed)', 'lifetimeRedeemed')
      .where('b.merchant_id = :merchantId', { merchantId })
      .getRawOne<Record<string, unknown>>();
    return { outstanding: toInt(row?.outstanding), lifetimeEarned: toInt(row?.lifetimeEarned), lifetimeRedeemed: toInt(row?.lifetimeRedeemed) };
  }
}
