import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Hosting many shops: platform operators (outside every merchant) create,
 * suspend and list merchants; a setup token may be bound to a merchant so its
 * first owner signs up through the setup page.
 */
export class PlatformOperators1700000014100 implements MigrationInterface {
  name = 'PlatformOperators1700000014100';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.createTable(
      new Table({
        name: 'operators',
        ...mysqlTableOptions(q),
        columns: [
          c.id(),
          c.string('email', 254),
          c.string('name', 200),
          c.string('password_hash', 200),
          c.bool('active', true),
          c.int('token_generation', 0),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_operators_email', columnNames: ['email'] }],
      }),
    );
    await q.addColumn('merchants', new TableColumn(c.timestamp('suspended_at', true)));
    await q.addColumn('setup_tokens', new TableColumn(c.ref('merchant_id', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('setup_tokens', 'merchant_id');
    await q.dropColumn('merchants', 'suspended_at');
    await q.dropTable('operators');
  }
}
