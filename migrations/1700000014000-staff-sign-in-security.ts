import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Staff sign-in hardening (issue 15, findings 2, 3, 8, 9):
 * - staff emails are unique per merchant, not across all merchants;
 * - failed sign-ins are counted per email and source in `sign_in_guards`
 *   (shared by every api process), replacing the per-account lock columns;
 * - `token_generation` ends every access token of a user at once when it moves.
 */
export class StaffSignInSecurity1700000014000 implements MigrationInterface {
  name = 'StaffSignInSecurity1700000014000';

  async up(q: QueryRunner): Promise<void> {
    const dialect = dialectOf(q);
    const c = columns(dialect);
    if (dialect === 'mysql') {
      // MySQL keeps a table's unique constraint as a unique index.
      await q.query('ALTER TABLE staff_users DROP INDEX uq_staff_users_email');
    } else {
      await q.dropUniqueConstraint('staff_users', 'uq_staff_users_email');
    }
    await q.dropColumn('staff_users', 'failed_sign_ins');
    await q.dropColumn('staff_users', 'locked_until');
    await q.addColumn('staff_users', new TableColumn(c.int('token_generation', 0)));
    await q.createIndex('staff_users', new TableIndex({ name: 'uq_staff_users_merchant_email', columnNames: ['merchant_id', 'email'], isUnique: true }));
    // Sign-in looks staff up by email alone, then asks which merchant when several match.
    await q.createIndex('staff_users', new TableIndex({ name: 'ix_staff_users_email', columnNames: ['email'] }));
    await q.createTable(
      new Table({
        name: 'sign_in_guards',
        ...mysqlTableOptions(q),
        columns: [
          { name: 'guard_key', type: 'varchar', length: '64', isPrimary: true },
          c.int('attempts', 0),
          c.int('strikes', 0),
          c.timestamp('locked_until', true),
          c.timestamp('updated_at'),
        ],
        indices: [{ name: 'ix_sign_in_guards_updated', columnNames: ['updated_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.dropTable('sign_in_guards');
    await q.dropIndex('staff_users', 'ix_staff_users_email');
    await q.dropIndex('staff_users', 'uq_staff_users_merchant_email');
    await q.dropColumn('staff_users', 'token_generation');
    await q.addColumn('staff_users', new TableColumn(c.int('failed_sign_ins', 0)));
    await q.addColumn('staff_users', new TableColumn(c.timestamp('locked_until', true)));
    await q.createIndex('staff_users', new TableIndex({ name: 'uq_staff_users_email', columnNames: ['email'], isUnique: true }));
  }
}
