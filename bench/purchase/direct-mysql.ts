import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { amountOf, basket } from './basket';
import { summarise, type Summary } from './stats';

export interface Till {
  merchantId: string;
  storeId: string;
  terminalId: string;
}

/**
 * The limit Tally is compared with: the same purchase transaction — find the
 * member by card, lock the balance row, check the receipt is new, write the
 * earn entry and lot, update the balance, write the purchase, its lines and
 * the outbox row — as hand-written SQL on a mysql2 pool. No HTTP, no ORM, no
 * validation, no rules engine.
 */
export async function directMysqlPurchases(url: string, tills: Till[], cards: string[], connections: number, seconds: number): Promise<Summary> {
  const pool = mysql.createPool({ uri: url, connectionLimit: connections, timezone: 'Z' });
  const samples: number[] = [];
  let errors = 0;
  let seq = 0;
  const until = Date.now() + seconds * 1000;
  const worker = async (w: number) => {
    const till = tills[w % tills.length];
    while (Date.now() < until) {
      const n = seq++;
      const started = performance.now();
      const conn = await pool.getConnection();
      try {
        await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        await conn.beginTransaction();
        const now = new Date();
        const [cardRows] = await conn.query<mysql.RowDataPacket[]>('SELECT id, member_id FROM cards WHERE merchant_id = ? AND number = ?', [till.merchantId, cards[n % cards.length]]);
        const memberId = cardRows[0].member_id as string;
        await conn.query('SELECT available FROM member_balances WHERE merchant_id = ? AND member_id = ? FOR UPDATE', [till.merchantId, memberId]);
        const receipt = `D${w}-${n}`;
        await conn.query('SELECT id FROM purchases WHERE merchant_id = ? AND terminal_id = ? AND receipt_number = ?', [till.merchantId, till.terminalId, receipt]);
        const lines = basket(n);
        const total = lines.reduce((s, l) => s + amountOf(l), 0);
        const points = Math.floor(total / 100);
        const purchaseId = randomUUID();
        const [entry] = await conn.query<mysql.ResultSetHeader>(
          "INSERT INTO point_entries (merchant_id, member_id, kind, points, capped_points, source_type, source_id, occurred_at, created_at) VALUES (?, ?, 'earn', ?, 0, 'purchase', ?, ?, ?)",
          [till.merchantId, memberId, points, purchaseId, now, now],
        );
        await conn.query('INSERT INTO point_lots (merchant_id, member_id, entry_id, points, remaining, open, pending, available_at, expires_at, created_at) VALUES (?, ?, ?, ?, ?, 1, 0, ?, NULL, ?)', [
          till.merchantId,
          memberId,
          entry.insertId,
          points,
          points,
          now,
          now,
        ]);
        await conn.query('UPDATE member_balances SET available = available + ?, lifetime_earned = lifetime_earned + ?, updated_at = ? WHERE merchant_id = ? AND member_id = ?', [
          points,
          points,
          now,
          till.merchantId,
          memberId,
        ]);
        await conn.query(
          "INSERT INTO purchases (id, merchant_id, store_id, terminal_id, receipt_number, member_id, card_id, occurred_at, recorded_at, total_minor, points_earned, status, idempotency_key, request_hash, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?)",
          [purchaseId, till.merchantId, till.storeId, till.terminalId, receipt, memberId, cardRows[0].id, now, now, total, points, `direct-${purchaseId}`, 'x'.repeat(64), JSON.stringify({ total, points })],
        );
        await conn.query(
          'INSERT INTO purchase_lines (purchase_id, line_no, merchant_id, sku, category, quantity_milli, unit_price_minor, amount_minor, points) VALUES ?',
          [lines.map((l, i) => [purchaseId, i + 1, till.merchantId, l.sku, l.category, l.quantity, l.unitPriceMinor, amountOf(l), 0])],
        );
        await conn.query("INSERT INTO outbox (merchant_id, job_name, payload, created_at, available_at, relayed_at, attempts) VALUES (?, 'bench.noop', ?, ?, ?, ?, 0)", [
          till.merchantId,
          JSON.stringify({ memberId }),
          now,
          now,
          now,
        ]);
        await conn.commit();
        samples.push(performance.now() - started);
      } catch (err) {
        errors++;
        await conn.rollback().catch(() => undefined);
        if (errors < 5) process.stderr.write(`direct mysql2 error: ${(err as Error).message}\n`);
      } finally {
        conn.release();
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i)));
  const elapsed = (Date.now() - started) / 1000;
  await pool.end();
  return summarise(samples, errors, elapsed);
}
