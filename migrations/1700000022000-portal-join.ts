import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/**
 * The shopper portal for real shops (issue 14): the shop's colour on its
 * portal, a short code for the poster's address (/j/CODE), and self sign-up
 * from the poster, whose details wait on the one-time code until it is used.
 */
export class PortalJoin1700000022000 implements MigrationInterface {
  name = 'PortalJoin1700000022000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('merchants', new TableColumn(c.string('brand_color', 7, true)));
    await q.addColumn('merchants', new TableColumn(c.string('portal_code', 8, true)));
    await q.createIndex('merchants', new TableIndex({ name: 'ux_merchants_portal_code', columnNames: ['portal_code'], isUnique: true }));
    await q.addColumn('member_sign_in_codes', new TableColumn(c.json('sign_up')));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('member_sign_in_codes', 'sign_up');
    await q.dropIndex('merchants', 'ux_merchants_portal_code');
    await q.dropColumn('merchants', 'portal_code');
    await q.dropColumn('merchants', 'brand_color');
  }
}
