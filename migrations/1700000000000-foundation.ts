import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Merchants, stores, staff, terminals, sign-in tokens, audit log and the job outbox. */
export class Foundation1700000000000 implements MigrationInterface {
  name = 'Foundation1700000000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    await q.createTable(
      new Table({
        name: 'merchants',
        ...opts,
        columns: [
          c.id(),
          c.string('name', 200),
          c.string('currency', 3),
          c.string('time_zone', 64),
          c.string('locale', 16),
          c.json('settings'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stores',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('code', 32),
          c.string('name', 200),
          c.string('address', 500, true),
          c.string('time_zone', 64, true),
          c.bool('active', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_stores_merchant_code', columnNames: ['merchant_id', 'code'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'staff_users',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('email', 254),
          c.string('name', 200),
          c.string('password_hash', 200),
          c.string('role', 16),
          c.json('store_ids'),
          c.string('locale', 16, true),
          c.bool('active', true),
          c.int('failed_sign_ins', 0),
          c.timestamp('locked_until', true),
          c.timestamp('last_sign_in_at', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_staff_users_email', columnNames: ['email'] }],
        indices: [{ name: 'ix_staff_users_merchant', columnNames: ['merchant_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'terminals',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('store_id'),
          c.string('name', 120),
          c.string('key_prefix', 16),
          c.string('key_hash', 200),
          c.timestamp('revoked_at', true),
          c.timestamp('last_seen_at', true),
          c.timestamp('created_at'),
        ],
        foreignKeys: [
          { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] },
          { columnNames: ['store_id'], referencedTableName: 'stores', referencedColumnNames: ['id'] },
        ],
        uniques: [{ name: 'uq_terminals_key_prefix', columnNames: ['key_prefix'] }],
        indices: [{ name: 'ix_terminals_merchant', columnNames: ['merchant_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'refresh_tokens',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('user_id'),
          c.ref('family_id'),
          c.string('token_hash', 64),
          c.timestamp('expires_at'),
          c.timestamp('used_at', true),
          c.timestamp('revoked_at', true),
          c.timestamp('created_at'),
        ],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'staff_users', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_refresh_tokens_hash', columnNames: ['token_hash'] }],
        indices: [{ name: 'ix_refresh_tokens_family', columnNames: ['family_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'setup_tokens',
        ...opts,
        columns: [c.id(), c.string('token_hash', 64), c.timestamp('expires_at'), c.timestamp('used_at', true), c.timestamp('created_at')],
        uniques: [{ name: 'uq_setup_tokens_hash', columnNames: ['token_hash'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.string('actor_kind', 16),
          c.string('actor_id', 36, true),
          c.string('action', 64),
          c.string('entity', 64),
          c.string('entity_id', 64, true),
          c.json('data'),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'ix_audit_log_merchant_created', columnNames: ['merchant_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id', true),
          c.string('job_name', 100),
          c.json('payload', false),
          c.timestamp('created_at'),
          c.timestamp('available_at'),
          c.timestamp('relayed_at', true),
          c.int('attempts', 0),
          c.text('last_error'),
        ],
      }),
    );
    await q.createIndex('outbox', new TableIndex({ name: 'ix_outbox_pending', columnNames: ['relayed_at', 'available_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'audit_log', 'setup_tokens', 'refresh_tokens', 'terminals', 'staff_users', 'stores', 'merchants']) {
      await q.dropTable(table, true);
    }
  }
}
