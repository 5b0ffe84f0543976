import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The till reads a member's points expiring soon on every scan and sale.
 * Without this index the database may answer from the global (open,
 * expires_at) index, which at a month's end holds every member's lots
 * expiring in the next 30 days; with it, the read stays within one member.
 */
export class PointLotsMemberExpiry1700000009500 implements MigrationInterface {
  name = 'PointLotsMemberExpiry1700000009500';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('point_lots', new TableIndex({ name: 'ix_point_lots_member_expiry', columnNames: ['merchant_id', 'member_id', 'open', 'expires_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('point_lots', 'ix_point_lots_member_expiry');
  }
}
