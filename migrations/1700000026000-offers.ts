import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Offers per merchant (issue 9): the engine's definition with its status and
 * limits, a counter row per offer that a sale locks to keep limits and
 * budgets, and one row per offer a sale used (its discount and points, per line).
 */
export class Offers1700000026000 implements MigrationInterface {
  name = 'Offers1700000026000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    await q.createTable(
      new Table({
        name: 'offers',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('name', 200),
          c.string('status', 16),
          c.int('priority', 0),
          c.string('stacking_class', 16),
          c.string('trigger_kind', 16),
          c.string('starts_on', 10, true),
          c.string('ends_on', 10, true),
          c.json('definition', false),
          c.int('max_uses', undefined, true),
          c.int('max_uses_per_member', undefined, true),
          c.string('member_limit_period', 8, true),
          c.bigint('budget_minor', undefined, true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
          c.timestamp('activated_at', true),
          c.timestamp('ended_at', true),
        ],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
        // The till reads a merchant's active offers; the back office lists by status.
        indices: [{ name: 'ix_offers_merchant_status', columnNames: ['merchant_id', 'status'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'offer_counters',
        ...opts,
        columns: [{ ...c.ref('offer_id'), isPrimary: true }, c.ref('merchant_id'), c.int('uses', 0), c.bigint('discount_minor', 0), c.bigint('points', 0)],
        foreignKeys: [{ columnNames: ['offer_id'], referencedTableName: 'offers', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'offer_uses',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('offer_id'),
          c.ref('purchase_id'),
          c.ref('member_id', true),
          c.ref('store_id'),
          c.timestamp('occurred_at'),
          c.bigint('discount_minor', 0),
          c.bigint('points', 0),
          c.bigint('basket_total_minor', 0),
          c.json('lines', false),
          c.string('receipt_line', 300),
        ],
        foreignKeys: [{ columnNames: ['offer_id'], referencedTableName: 'offers', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_offer_uses_purchase', columnNames: ['purchase_id', 'offer_id'] }],
        indices: [
          // Per-member limits count a member's uses of an offer in a period; the report reads an offer's uses.
          { name: 'ix_offer_uses_member', columnNames: ['offer_id', 'member_id', 'occurred_at'] },
          { name: 'ix_offer_uses_merchant', columnNames: ['merchant_id', 'offer_id', 'occurred_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('offer_uses');
    await q.dropTable('offer_counters');
    await q.dropTable('offers');
  }
}
