import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Personal offers (issue 9, item 4): an offer with trigger `personal` is
 * given to chosen members (`offer_members`); when the offer asks for it
 * (`activation_required`), a member activates it in the portal before the
 * till applies it.
 */
export class PersonalOffers1700000036100 implements MigrationInterface {
  name = 'PersonalOffers1700000036100';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('offers', new TableColumn(c.bool('activation_required')));
    await q.createTable(
      new Table({
        name: 'offer_members',
        ...mysqlTableOptions(q),
        columns: [{ ...c.ref('offer_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, c.ref('merchant_id'), c.timestamp('given_at'), c.timestamp('activated_at', true)],
        foreignKeys: [{ columnNames: ['offer_id'], referencedTableName: 'offers', referencedColumnNames: ['id'] }],
        // A member's offers: every scan and evaluate of a member's sale, and the portal.
        indices: [{ name: 'ix_offer_members_member', columnNames: ['merchant_id', 'member_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('offer_members');
    await q.dropColumn('offers', 'activation_required');
  }
}
