import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * History import (issue 10):
 * - a member keeps the id the previous system gave them (`external_id`,
 *   unique per merchant), so imported purchases find their member and a
 *   second import run finds the member it created;
 * - card codes of other systems (any barcode, not Tally's EAN-13) are kept
 *   as aliases of a member, so an old card still finds its holder.
 */
export class Imports1700000027000 implements MigrationInterface {
  name = 'Imports1700000027000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('members', new TableColumn(c.string('external_id', 64, true)));
    await q.createIndex('members', new TableIndex({ name: 'uq_members_external_id', columnNames: ['merchant_id', 'external_id'], isUnique: true }));
    await q.createTable(
      new Table({
        name: 'card_aliases',
        ...mysqlTableOptions(q),
        columns: [c.serial(), c.ref('merchant_id'), c.string('code', 64), c.ref('member_id'), c.timestamp('created_at')],
        uniques: [{ name: 'uq_card_aliases_code', columnNames: ['merchant_id', 'code'] }],
        indices: [{ name: 'ix_card_aliases_member', columnNames: ['merchant_id', 'member_id'] }],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('card_aliases');
    await q.dropIndex('members', 'uq_members_external_id');
    await q.dropColumn('members', 'external_id');
  }
}
