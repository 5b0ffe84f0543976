import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { dateOfDay, dayOfDate } from '../../../src/forecasts/days';

/** A seeded generator (mulberry32), so every run seeds the same sales. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Monday … Sunday: a supermarket's week, busiest on Saturday. */
export const WEEKLY_PATTERN = [0.8, 0.85, 0.9, 1, 1.2, 1.6, 1.1];
export const CATEGORIES = { dairy: 6000, bakery: 3000 } as const;

export interface SeededReceipt {
  storeId: string;
  /** Local day (merchant time) it belongs to. */
  day: number;
  member: boolean;
  voided: boolean;
  refundedMinor: number;
  lines: { category: string | null; amountMinor: number; returnedMinor: number }[];
}

export interface SalesStore {
  storeId: string;
  terminalId: string;
  /** Size of the store: its sales are the pattern times this. */
  factor: number;
  firstDate: string;
}

/**
 * Sales of a known weekly pattern (±5 % noise), three receipts a store a day,
 * the first to a member, with a line in each category and one without a
 * category; now and then a refund, and a voided receipt that counts nowhere.
 * Receipts are at 00:30 and 12:00 local time (UTC+7), so a day's first
 * receipt falls on the previous UTC date.
 */
export async function seedSales(m: EntityManager, merchantId: string, stores: SalesStore[], lastDate: string, seed = 11): Promise<SeededReceipt[]> {
  const random = seeded(seed);
  const receipts: SeededReceipt[] = [];
  for (const store of stores) {
    for (let day = dayOfDate(store.firstDate); day <= dayOfDate(lastDate); day++) {
      const weekday = (((day + 3) % 7) + 7) % 7;
      for (let k = 0; k < 3; k++) {
        const lines: SeededReceipt['lines'] = Object.entries(CATEGORIES).map(([category, base]) => ({
          category,
          amountMinor: Math.round(((base * store.factor * WEEKLY_PATTERN[weekday]) / 3) * (0.95 + 0.1 * random())),
          returnedMinor: 0,
        }));
        lines.push({ category: null, amountMinor: 150, returnedMinor: 0 });
        const refund = random() < 0.05;
        if (refund) lines[0].returnedMinor = lines[0].amountMinor;
        receipts.push({ storeId: store.storeId, day, member: k === 0, voided: random() < 0.02, refundedMinor: refund ? lines[0].amountMinor : 0, lines });
      }
    }
  }
  const terminalOf = new Map(stores.map((s) => [s.storeId, s.terminalId]));
  for (let i = 0; i < receipts.length; i += 200) {
    const chunk = receipts.slice(i, i + 200).map((r, j) => ({ r, id: `${randomBytes(8).toString('hex')}-${i + j}`, at: j % 2 === 0 ? '00:30' : '12:00' }));
    const utc = (day: number, at: string) => new Date(Date.parse(`${dateOfDay(day)}T${at}:00+07:00`)).toISOString().replace('T', ' ').replace('Z', '');
    await m.query(
      `INSERT INTO purchases (id, merchant_id, store_id, terminal_id, receipt_number, member_id, occurred_at, recorded_at, total_minor, refunded_minor, status, idempotency_key, request_hash) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap(({ r, id, at }) => [
        id,
        merchantId,
        r.storeId,
        terminalOf.get(r.storeId),
        id,
        r.member ? 'member-1' : null,
        utc(r.day, at),
        utc(r.day, at),
        r.lines.reduce((s, l) => s + l.amountMinor, 0),
        r.refundedMinor,
        r.voided ? 'voided' : 'completed',
        id,
        'seed',
      ]),
    );
    const lines = chunk.flatMap(({ r, id }) => r.lines.map((l, n) => ({ id, n, l })));
    await m.query(
      `INSERT INTO purchase_lines (purchase_id, line_no, merchant_id, sku, category, quantity_milli, unit_price_minor, amount_minor, returned_amount_minor) VALUES ${lines.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      lines.flatMap(({ id, n, l }) => [id, n + 1, merchantId, `SKU-${l.category ?? 'bag'}`, l.category, 1000, l.amountMinor, l.amountMinor, l.returnedMinor]),
    );
  }
  return receipts;
}

export type SeriesValues = { sales: number[]; receipts: number[]; memberSales: number[] };

/** What the seeded receipts sum to per day in [fromDay, toDay), for a store and/or a category (null: all). */
export function expectedSeries(receipts: SeededReceipt[], fromDay: number, toDay: number, storeId: string | null, category: string | null): SeriesValues {
  const n = toDay - fromDay;
  const out: SeriesValues = { sales: new Array<number>(n).fill(0), receipts: new Array<number>(n).fill(0), memberSales: new Array<number>(n).fill(0) };
  for (const r of receipts) {
    if (r.voided || r.day < fromDay || r.day >= toDay || (storeId !== null && r.storeId !== storeId)) continue;
    const lines = category === null ? null : r.lines.filter((l) => l.category === category);
    if (lines && lines.length === 0) continue;
    const amount = lines ? lines.reduce((s, l) => s + l.amountMinor - l.returnedMinor, 0) : r.lines.reduce((s, l) => s + l.amountMinor, 0) - r.refundedMinor;
    const t = r.day - fromDay;
    out.sales[t] += amount;
    out.receipts[t] += 1;
    if (r.member) out.memberSales[t] += amount;
  }
  return out;
}
