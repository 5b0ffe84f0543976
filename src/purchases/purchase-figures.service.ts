import type { Buckets } from '../db/buckets';
import { sqlInstant, toInt } from '../db/columns';
import type { Deps } from '../deps';
import { Purchase } from './purchase.entity';

/** A period [from, to). */
export interface Window {
  from: Date;
  to: Date;
}

/** A member's net spend and number of purchases in each of the windows asked for, in their order. */
export interface MemberActivity {
  spendMinor: number[];
  visits: number[];
}

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

  /**
   * Net spend and purchases per member in each window, for a batch of members
   * (a campaign's groups are read batch by batch): one grouped query along the
   * members' own index. Members without purchases are absent from the map.
   */
  async memberActivity(merchantId: string, memberIds: readonly string[], windows: readonly Window[]): Promise<Map<string, MemberActivity>> {
    const activity = new Map<string, MemberActivity>();
    if (!memberIds.length || !windows.length) return activity;
    const net = '(p.total_minor - p.refunded_minor)';
    const params: Record<string, unknown> = { merchantId, memberIds: [...memberIds] };
    const query = this.deps.db.manager.createQueryBuilder(Purchase, 'p').select('p.member_id', 'memberId');
    windows.forEach((w, i) => {
      params[`f${i}`] = w.from;
      params[`t${i}`] = w.to;
      const inside = `p.occurred_at >= :f${i} AND p.occurred_at < :t${i}`;
      query.addSelect(`SUM(CASE WHEN ${inside} THEN ${net} ELSE 0 END)`, `s${i}`).addSelect(`SUM(CASE WHEN ${inside} THEN 1 ELSE 0 END)`, `v${i}`);
    });
    params.from = new Date(Math.min(...windows.map((w) => w.from.getTime())));
    params.to = new Date(Math.max(...windows.map((w) => w.to.getTime())));
    const rows = await query
      .where(`p.merchant_id = :merchantId AND p.member_id IN (:...memberIds) AND p.status = 'completed' AND p.occurred_at >= :from AND p.occurred_at < :to`, params)
      .groupBy('p.member_id')
      .getRawMany<Record<string, unknown>>();
    for (const r of rows) {
      activity.set(String(r.memberId), { spendMinor: windows.map((_, i) => toInt(r[`s${i}`])), visits: windows.map((_, i) => toInt(r[`v${i}`])) });
    }
    return activity;
  }

  /** The stores that sold in [from, before): the daily sales series are read a batch of stores at a time. */
  async salesStores(merchantId: string, from: Date, before: Date): Promise<string[]> {
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT DISTINCT p.store_id AS store_id FROM purchases p WHERE p.merchant_id = ? AND p.status = 'completed' AND p.occurred_at >= ? AND p.occurred_at < ? ORDER BY p.store_id`,
      [merchantId, sqlInstant(from), sqlInstant(before)],
    );
    return rows.map((r) => String(r.store_id));
  }

  /**
   * Net sales, receipts and net sales to members per local day, over all
   * completed sales (with a card or without), summed per merchant, store,
   * category or store × category: one grouped query, ordered by store,
   * category and day. Merchant and store figures are receipt totals less
   * refunds; category figures are line amounts less returns (before
   * basket-wide discounts and points redeemed, as the catalogue's product
   * figures), receipts counting each receipt once per category; lines
   * without a category are in no category's series.
   */
  async dailySales(merchantId: string, query: DailySalesQuery): Promise<DailySales[]> {
    const day = localDay(this.deps.db.isMysql, query.offsetMinutes);
    const byLine = query.level === 'category' || query.level === 'store-category';
    const byStore = query.level === 'store' || query.level === 'store-category';
    const params: unknown[] = [merchantId, sqlInstant(query.from), sqlInstant(query.before)];
    let where = `p.merchant_id = ? AND p.status = 'completed' AND p.occurred_at >= ? AND p.occurred_at < ?`;
    if (query.storeIds) {
      where += query.storeIds.length ? ` AND p.store_id IN (${query.storeIds.map(() => '?').join(', ')})` : ' AND 1 = 0';
      params.push(...query.storeIds);
    }
    if (byLine) {
      where += ' AND l.category IS NOT NULL';
      if (query.categories) {
        where += query.categories.length ? ` AND l.category IN (${query.categories.map(() => '?').join(', ')})` : ' AND 1 = 0';
        params.push(...query.categories);
      }
    }
    const net = byLine ? '(l.amount_minor - l.returned_amount_minor)' : '(p.total_minor - p.refunded_minor)';
    const keys = [...(byStore ? ['p.store_id'] : []), ...(byLine ? ['l.category'] : [])];
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT ${byStore ? 'p.store_id' : 'NULL'} AS store_id, ${byLine ? 'l.category' : 'NULL'} AS category, ${day} AS day,
              SUM(${net}) AS amount, ${byLine ? 'COUNT(DISTINCT p.id)' : 'COUNT(*)'} AS receipts, SUM(CASE WHEN p.member_id IS NOT NULL THEN ${net} ELSE 0 END) AS member_amount
       FROM purchases p ${byLine ? 'JOIN purchase_lines l ON l.purchase_id = p.id' : ''}
       WHERE ${where}
       GROUP BY ${[...keys, day].join(', ')}
       ORDER BY ${[...keys, day].join(', ')}`,
      params,
    );
    return rows.map((r) => ({
      storeId: r.store_id === null ? null : String(r.store_id),
      category: r.category === null ? null : String(r.category),
      day: toInt(r.day),
      amountMinor: toInt(r.amount),
      receipts: toInt(r.receipts),
      memberAmountMinor: toInt(r.member_amount),
    }));
  }
}

/** How the daily sales are summed: the merchant's, each store's, each category's (from receipt lines), each store's in each category. */
export type SalesLevel = 'merchant' | 'store' | 'category' | 'store-category';

/** Daily sales in [from, before), days counted at the merchant's offset (see `MemberPurchaseRange`); optionally of some stores or categories only. */
export interface DailySalesQuery {
  level: SalesLevel;
  from: Date;
  before: Date;
  offsetMinutes: number;
  storeIds?: readonly string[];
  categories?: readonly string[];
}

/** One day of one series; storeId and category are null where the level does not split by them. */
export interface DailySales {
  storeId: string | null;
  category: string | null;
  /** Days since 1970-01-01 in merchant time. */
  day: number;
  amountMinor: number;
  receipts: number;
  memberAmountMinor: number;
}

/** A query other modules embed in their own set-based statements: SQL with `?` placeholders and its parameters in order. */
export interface SqlSource {
  sql: string;
  params: unknown[];
}

/** Which completed purchases of members: before an instant, from an instant on, of some members only. */
export interface MemberPurchaseRange {
  before: Date;
  from?: Date;
  memberIds?: readonly string[];
  /**
   * Minutes the merchant's clock is ahead of UTC, for calendar days (a whole
   * number; one offset for the range, so an hour around a DST change can fall
   * on the neighbouring day).
   */
  offsetMinutes: number;
}

/** The calendar day (days since 1970-01-01 at the offset) of `p.occurred_at`. */
function localDay(isMysql: boolean, offsetMinutes: number): string {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 24 * 60) throw new RangeError('offsetMinutes must be a whole number of minutes within a day');
  return isMysql ? `(TO_DAYS(p.occurred_at + INTERVAL ${offsetMinutes} MINUTE) - 719528)` : `CAST(julianday(p.occurred_at) - 2440587.5 + ${offsetMinutes} / 1440.0 AS INTEGER)`;
}

/**
 * The member sources of analytics (issue 10): each is one SELECT over the
 * purchases tables, set-based, for the analytics module to aggregate into
 * its own tables without reading purchases row by row.
 */
export class MemberPurchaseSources {
  constructor(private readonly deps: Deps) {}

  private day(offsetMinutes: number): string {
    return localDay(this.deps.db.isMysql, offsetMinutes);
  }

  private where(merchantId: string, range: MemberPurchaseRange): SqlSource {
    const params: unknown[] = [merchantId, sqlInstant(range.before)];
    let sql = `p.merchant_id = ? AND p.member_id IS NOT NULL AND p.status = 'completed' AND p.occurred_at < ?`;
    if (range.from) {
      sql += ' AND p.occurred_at >= ?';
      params.push(sqlInstant(range.from));
    }
    if (range.memberIds) {
      if (range.memberIds.length === 0) sql += ' AND 1 = 0';
      else {
        sql += ` AND p.member_id IN (${range.memberIds.map(() => '?').join(', ')})`;
        params.push(...range.memberIds);
      }
    }
    return { sql, params };
  }

  /**
   * (member_id, day, amount_minor): a member's visits, one row per day whose
   * net amount (sales less refunds and negative receipts) is positive.
   */
  visits(merchantId: string, range: MemberPurchaseRange): SqlSource {
    const where = this.where(merchantId, range);
    const day = this.day(range.offsetMinutes);
    return {
      sql: `SELECT p.member_id AS member_id, ${day} AS day, SUM(p.total_minor - p.refunded_minor) AS amount_minor FROM purchases p WHERE ${where.sql} GROUP BY p.member_id, ${day} HAVING SUM(p.total_minor - p.refunded_minor) > 0`,
      params: where.params,
    };
  }

  /** (member_id, receipts, stores): receipts (returns included) and distinct stores per member. */
  reach(merchantId: string, range: MemberPurchaseRange): SqlSource {
    const where = this.where(merchantId, range);
    return { sql: `SELECT p.member_id AS member_id, COUNT(*) AS receipts, COUNT(DISTINCT p.store_id) AS stores FROM purchases p WHERE ${where.sql} GROUP BY p.member_id`, params: where.params };
  }

  /** (member_id, categories): distinct product categories on a member's receipt lines. */
  categories(merchantId: string, range: MemberPurchaseRange): SqlSource {
    const where = this.where(merchantId, range);
    return {
      sql: `SELECT p.member_id AS member_id, COUNT(DISTINCT l.category) AS categories FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE ${where.sql} AND l.category IS NOT NULL GROUP BY p.member_id`,
      params: where.params,
    };
  }

  /** (member_id): members with a line of one of these categories (the line's own category code) in the range. */
  categoryBuyers(merchantId: string, range: MemberPurchaseRange, categories: readonly string[]): SqlSource {
    const where = this.where(merchantId, range);
    return {
      sql: `SELECT DISTINCT p.member_id AS member_id FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE ${where.sql} AND l.category IN (${categories.map(() => '?').join(', ')})`,
      params: [...where.params, ...categories],
    };
  }

  /** (member_id): members who bought at one of these stores in the range. */
  storeBuyers(merchantId: string, range: MemberPurchaseRange, storeIds: readonly string[]): SqlSource {
    const where = this.where(merchantId, range);
    return { sql: `SELECT DISTINCT p.member_id AS member_id FROM purchases p WHERE ${where.sql} AND p.store_id IN (${storeIds.map(() => '?').join(', ')})`, params: [...where.params, ...storeIds] };
  }

  /** Net spend, quantity and receipts per product (SKU) of all completed sales in [from, before), members or not. */
  async productSpend(merchantId: string, from: Date, before: Date): Promise<{ sku: string; name: string | null; category: string | null; spendMinor: number; quantityMilli: number; receipts: number }[]> {
    const rows: Record<string, unknown>[] = await this.deps.db.manager.query(
      `SELECT l.sku AS sku, MAX(l.description) AS name, MAX(l.category) AS category, SUM(l.amount_minor - l.returned_amount_minor) AS spend,
              SUM(l.quantity_milli - l.returned_quantity_milli) AS quantity, COUNT(DISTINCT l.purchase_id) AS receipts
       FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id
       WHERE p.merchant_id = ? AND p.status = 'completed' AND p.occurred_at >= ? AND p.occurred_at < ?
       GROUP BY l.sku`,
      [merchantId, sqlInstant(from), sqlInstant(before)],
    );
    return rows.map((r) => ({
      sku: String(r.sku),
      name: r.name === null ? null : String(r.name),
      category: r.category === null ? null : String(r.category),
      spendMinor: toInt(r.spend),
      quantityMilli: toInt(r.quantity),
      receipts: toInt(r.receipts),
    }));
  }
}
