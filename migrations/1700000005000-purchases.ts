import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Purchases recorded at the till, their lines and returns. */
export class Purchases1700000005000 implements MigrationInterface {
  name = 'Purchases1700000005000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    await q.createTable(
      new Table({
        name: 'purchases',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('store_id'),
          c.ref('terminal_id'),
          c.string('receipt_number', 64),
          // null: an anonymous sale, kept for analytics and claimable later.
          c.ref('member_id', true),
          c.ref('card_id', true),
          c.timestamp('occurred_at'),
          c.timestamp('recorded_at'),
          c.bigint('total_minor'),
          c.bigint('discount_minor', 0),
          c.bigint('points_redeemed', 0),
          c.bigint('redeem_value_minor', 0),
          c.bigint('points_earned', 0),
          c.int('program_version', undefined, true),
          c.string('status', 16),
          c.bigint('refunded_minor', 0),
          c.bigint('points_reversed', 0),
          c.bigint('points_restored', 0),
          c.string('idempotency_key', 128),
          c.string('request_hash', 64),
          c.json('response'),
          c.timestamp('claimed_at', true),
          c.ref('claimed_by', true),
          c.timestamp('voided_at', true),
          c.string('void_idempotency_key', 128, true),
          c.string('void_request_hash', 64, true),
          c.json('void_response'),
        ],
        foreignKeys: [
          { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] },
          { columnNames: ['store_id'], referencedTableName: 'stores', referencedColumnNames: ['id'] },
          { columnNames: ['terminal_id'], referencedTableName: 'terminals', referencedColumnNames: ['id'] },
        ],
        uniques: [
          // The receipt is the till's own idempotency: the same receipt is never recorded twice.
          { name: 'uq_purchases_receipt', columnNames: ['merchant_id', 'terminal_id', 'receipt_number'] },
          { name: 'uq_purchases_idempotency', columnNames: ['merchant_id', 'idempotency_key'] },
          { name: 'uq_purchases_void_idempotency', columnNames: ['merchant_id', 'void_idempotency_key'] },
        ],
        indices: [
          { name: 'ix_purchases_member', columnNames: ['merchant_id', 'member_id', 'occurred_at'] },
          { name: 'ix_purchases_store', columnNames: ['merchant_id', 'store_id', 'occurred_at'] },
          { name: 'ix_purchases_occurred', columnNames: ['merchant_id', 'occurred_at'] },
          { name: 'ix_purchases_store_receipt', columnNames: ['merchant_id', 'store_id', 'receipt_number'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'purchase_lines',
        ...opts,
        columns: [
          { ...c.ref('purchase_id'), isPrimary: true },
          { ...c.int('line_no'), isPrimary: true },
          c.ref('merchant_id'),
          c.string('sku', 64),
          c.string('category', 64, true),
          c.string('description', 200, true),
          c.bigint('quantity_milli'),
          c.bigint('unit_price_minor'),
          c.bigint('amount_minor'),
          c.bigint('points', 0),
          c.bigint('returned_quantity_milli', 0),
          c.bigint('returned_amount_minor', 0),
          c.bigint('points_reversed', 0),
        ],
        foreignKeys: [{ columnNames: ['purchase_id'], referencedTableName: 'purchases', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_purchase_lines_category', columnNames: ['merchant_id', 'category'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'purchase_returns',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('purchase_id'),
          c.string('idempotency_key', 128),
          c.string('request_hash', 64),
          c.json('lines'),
          c.bigint('refund_minor'),
          c.bigint('points_reversed', 0),
          c.bigint('points_restored', 0),
          c.string('reason', 200, true),
          c.string('actor_kind', 16),
          c.string('actor_id', 36),
          c.json('response'),
          c.timestamp('created_at'),
        ],
        foreignKeys: [{ columnNames: ['purchase_id'], referencedTableName: 'purchases', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_purchase_returns_idempotency', columnNames: ['merchant_id', 'idempotency_key'] }],
        indices: [{ name: 'ix_purchase_returns_purchase', columnNames: ['purchase_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['purchase_returns', 'purchase_lines', 'purchases']) {
      await q.dropTable(table, true);
    }
  }
}
