import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Members (profile, change history, consents, derived stats, sign-in codes), cards and batches, notifications. */
export class MembersCards1700000003000 implements MigrationInterface {
  name = 'MembersCards1700000003000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'members',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('member_number', 12),
          c.string('first_name', 100),
          c.string('last_name', 100, true),
          c.string('phone', 20, true),
          c.string('email', 254, true),
          // ISO YYYY-MM-DD as text on both dialects: a calendar date, no time zone to shift it.
          c.string('birth_date', 10, true),
          c.string('locale', 16, true),
          c.string('status', 16),
          c.string('status_reason', 500, true),
          c.string('tier_override', 32, true),
          c.ref('merged_into_id', true),
          c.timestamp('enrolled_at'),
          c.ref('enrolled_store_id', true),
          c.string('enrolled_by', 16),
          c.timestamp('deletion_requested_at', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [merchantFk],
        // NULLs never collide in a unique index on either dialect, so members without a phone or email coexist.
        uniques: [
          { name: 'uq_members_merchant_number', columnNames: ['merchant_id', 'member_number'] },
          { name: 'uq_members_merchant_phone', columnNames: ['merchant_id', 'phone'] },
          { name: 'uq_members_merchant_email', columnNames: ['merchant_id', 'email'] },
        ],
        indices: [{ name: 'ix_members_merchant_name', columnNames: ['merchant_id', 'last_name', 'first_name'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_changes',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.ref('member_id'),
          c.string('actor_kind', 16),
          c.string('actor_id', 36, true),
          c.string('field', 32),
          c.text('old_value'),
          c.text('new_value'),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'ix_member_changes_member', columnNames: ['merchant_id', 'member_id', 'id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_consents',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.ref('member_id'),
          c.string('kind', 32),
          c.bool('granted'),
          c.string('source', 16),
          c.string('actor_kind', 16),
          c.string('actor_id', 36, true),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'ix_member_consents_member', columnNames: ['merchant_id', 'member_id', 'id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_stats',
        ...opts,
        columns: [
          { ...c.ref('member_id'), isPrimary: true },
          c.ref('merchant_id'),
          c.timestamp('first_purchase_at', true),
          c.timestamp('last_purchase_at', true),
          c.int('visits', 0),
          c.bigint('spend_minor', 0),
          c.bigint('average_basket_minor', 0),
          c.ref('favourite_store_id', true),
          c.json('top_categories'),
          c.timestamp('updated_at'),
        ],
        indices: [{ name: 'ix_member_stats_merchant', columnNames: ['merchant_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_sign_in_codes',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('destination', 254),
          c.ref('member_id', true),
          c.string('code_hash', 64),
          c.int('attempts', 0),
          c.string('requester_ip', 64),
          c.timestamp('expires_at'),
          c.timestamp('used_at', true),
          c.timestamp('created_at'),
        ],
        indices: [
          { name: 'ix_sign_in_codes_destination', columnNames: ['merchant_id', 'destination', 'created_at'] },
          { name: 'ix_sign_in_codes_ip', columnNames: ['requester_ip', 'created_at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'card_batches',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.int('count'), c.string('prefix', 4), c.string('created_by', 36, true), c.timestamp('created_at')],
        foreignKeys: [merchantFk],
        indices: [{ name: 'ix_card_batches_merchant', columnNames: ['merchant_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'cards',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('number', 13),
          c.ref('member_id', true),
          c.string('kind', 16),
          c.ref('batch_id', true),
          c.string('status', 16),
          c.string('status_reason', 500, true),
          c.ref('replaced_by_id', true),
          c.timestamp('issued_at', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [merchantFk, { columnNames: ['member_id'], referencedTableName: 'members', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_cards_merchant_number', columnNames: ['merchant_id', 'number'] }],
        indices: [
          { name: 'ix_cards_member', columnNames: ['merchant_id', 'member_id'] },
          { name: 'ix_cards_batch', columnNames: ['batch_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'card_status_history',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.ref('card_id'),
          c.string('from_status', 16, true),
          c.string('to_status', 16),
          c.string('reason', 500, true),
          c.string('actor_kind', 16),
          c.string('actor_id', 36, true),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'ix_card_status_history_card', columnNames: ['merchant_id', 'card_id', 'id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'notifications',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('member_id', true),
          c.string('channel', 16),
          c.string('destination', 254),
          c.string('template', 64),
          c.string('subject', 200, true),
          c.text('body'),
          c.bool('sensitive'),
          c.string('status', 16),
          c.int('attempts', 0),
          c.text('last_error'),
          c.timestamp('created_at'),
          c.timestamp('sent_at', true),
        ],
        indices: [{ name: 'ix_notifications_merchant_created', columnNames: ['merchant_id', 'created_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notifications', 'card_status_history', 'cards', 'card_batches', 'member_sign_in_codes', 'member_stats', 'member_consents', 'member_changes', 'members']) {
      await q.dropTable(table, true);
    }
  }
}
