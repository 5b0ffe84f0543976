import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A member's stats read their completed purchases grouped by store. With
 * this index that read is one range of the member's own rows, already in
 * store order; without it a planner short of statistics chose the
 * merchant's (store, time) index and read every purchase of the merchant.
 */
export class PurchasesMemberStore1700000011000 implements MigrationInterface {
  name = 'PurchasesMemberStore1700000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('purchases', new TableIndex({ name: 'ix_purchases_member_store', columnNames: ['merchant_id', 'member_id', 'status', 'store_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('purchases', 'ix_purchases_member_store');
  }
}
