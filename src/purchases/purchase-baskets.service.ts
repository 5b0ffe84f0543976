import { In } from 'typeorm';
import type { Deps } from '../deps';
import type { Window } from './purchase-figures.service';
import { PurchaseLine } from './purchase-line.entity';
import { Purchase } from './purchase.entity';

/** A completed sale as it was rung up: what a simulation prices again. */
export interface CommittedBasket {
  id: string;
  storeId: string;
  memberId: string | null;
  occurredAt: Date;
  /** Before offers, as the lines add up. */
  totalMinor: number;
  /** Whether it was the member's first completed purchase (false for an anonymous sale). */
  isFirstPurchase: boolean;
  lines: { sku: string; category: string | null; quantityMilli: number; unitPriceMinor: number; amountMinor: number }[];
}

/** Baskets read per page by `committedBaskets`. */
export const BASKET_PAGE = 500;

/** Completed sales with their lines, read page by page for those who go over weeks of them (the offer simulation). */
export class PurchaseBaskets {
  constructor(private readonly deps: Deps) {}

  /**
   * The completed sales of [from, to) with their lines, oldest first, one
   * page of `pageSize` at a time (keyset on occurred_at and id), so a caller
   * going over weeks of sales never holds more than a page. Receipts with a
   * total of zero or less (imported returns) are left out.
   */
  async *committedBaskets(merchantId: string, window: Window, pageSize = BASKET_PAGE): AsyncGenerator<CommittedBasket[]> {
    const m = this.deps.db.manager;
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const query = m
        .createQueryBuilder(Purchase, 'p')
        .where(`p.merchant_id = :merchantId AND p.status = 'completed' AND p.total_minor > 0 AND p.occurred_at >= :from AND p.occurred_at < :to`, { merchantId, from: window.from, to: window.to });
      // The range starts at the last instant read, so each page seeks in the (merchant, occurred_at) index instead of scanning from the window's start.
      if (after) query.andWhere('p.occurred_at >= :at AND (p.occurred_at > :at OR p.id > :id)', after);
      const page = await query.orderBy('p.occurred_at', 'ASC').addOrderBy('p.id', 'ASC').limit(pageSize).getMany();
      if (page.length === 0) return;
      // By purchase id alone (the page's, all of this merchant): with merchant_id too, SQLite chose the (merchant, category) index and read every line of the merchant for each page.
      const lines = await m.find(PurchaseLine, { where: { purchaseId: In(page.map((p) => p.id)) }, order: { purchaseId: 'ASC', lineNo: 'ASC' } });
      const firsts = await this.firstPurchases(merchantId, [...new Set(page.flatMap((p) => (p.memberId ? [p.memberId] : [])))]);
      const linesOf = new Map<string, CommittedBasket['lines']>();
      for (const l of lines) {
        const own = linesOf.get(l.purchaseId) ?? [];
        own.push({ sku: l.sku, category: l.category, quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, amountMinor: l.amountMinor });
        linesOf.set(l.purchaseId, own);
      }
      yield page.map((p) => ({
        id: p.id,
        storeId: p.storeId,
        memberId: p.memberId,
        occurredAt: p.occurredAt,
        totalMinor: p.totalMinor,
        isFirstPurchase: p.memberId !== null && firsts.get(p.memberId) === p.occurredAt.getTime(),
        lines: linesOf.get(p.id) ?? [],
      }));
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { at: last.occurredAt, id: last.id };
    }
  }

  /**
   * When each member's first completed purchase happened: one grouped query
   * per page on the (merchant, member, occurred_at) index. Two purchases of a
   * member in the same millisecond would both count as the first.
   */
  private async firstPurchases(merchantId: string, memberIds: string[]): Promise<Map<string, number>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.deps.db.manager
      .createQueryBuilder(Purchase, 'p')
      .select('p.member_id', 'memberId')
      .addSelect('MIN(p.occurred_at)', 'first')
      .where(`p.merchant_id = :merchantId AND p.member_id IN (:...memberIds) AND p.status = 'completed'`, { merchantId, memberIds })
      .groupBy('p.member_id')
      .getRawMany<{ memberId: string; first: unknown }>();
    return new Map(rows.map((r) => [r.memberId, instantOf(r.first)]));
  }
}

/** MIN of a datetime comes back as a Date (MySQL) or as UTC text (SQLite): milliseconds since 1970. */
function instantOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  const text = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`).getTime();
}
