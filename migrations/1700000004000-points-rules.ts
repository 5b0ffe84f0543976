import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Points ledger (entries, earn lots, cached balances), versioned loyalty programs and member tiers. */
export class PointsRules1700000004000 implements MigrationInterface {
  name = 'PointsRules1700000004000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'point_entries',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.ref('member_id'),
          c.string('kind', 16),
          c.bigint('points'),
          // Of an earn: the promotion and product-bonus points, which count towards the period cap.
          c.bigint('capped_points', 0),
          c.string('source_type', 32),
          c.string('source_id', 64, true),
          c.string('reason', 500, true),
          c.string('actor', 80, true),
          c.timestamp('occurred_at'),
          c.timestamp('created_at'),
        ],
        foreignKeys: [merchantFk],
        indices: [
          { name: 'ix_point_entries_member', columnNames: ['merchant_id', 'member_id', 'id'] },
          { name: 'ix_point_entries_source', columnNames: ['merchant_id', 'source_type', 'source_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'point_lots',
        ...opts,
        columns: [
          c.serial(),
          c.ref('merchant_id'),
          c.ref('member_id'),
          c.bigint('entry_id'),
          c.bigint('points'),
          c.bigint('remaining'),
          // open = remaining > 0, kept so the expiry job's index range holds only live lots.
          c.bool('open', true),
          c.bool('pending', false),
          c.timestamp('available_at'),
          c.timestamp('expires_at', true),
          c.timestamp('created_at'),
        ],
        foreignKeys: [merchantFk],
        indices: [
          { name: 'ix_point_lots_member', columnNames: ['merchant_id', 'member_id', 'open'] },
          { name: 'ix_point_lots_entry', columnNames: ['entry_id'] },
          { name: 'ix_point_lots_expiry', columnNames: ['open', 'expires_at'] },
          { name: 'ix_point_lots_pending', columnNames: ['pending', 'available_at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_balances',
        ...opts,
        columns: [
          { ...c.ref('merchant_id'), isPrimary: true },
          { ...c.ref('member_id'), isPrimary: true },
          c.bigint('available', 0),
          c.bigint('pending', 0),
          c.bigint('lifetime_earned', 0),
          c.bigint('lifetime_redeemed', 0),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [merchantFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'programs',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.int('version'), c.timestamp('effective_from'), c.ref('created_by', true), c.json('rules', false), c.timestamp('created_at')],
        foreignKeys: [merchantFk],
        uniques: [{ name: 'uq_programs_merchant_version', columnNames: ['merchant_id', 'version'] }],
        indices: [{ name: 'ix_programs_merchant_effective', columnNames: ['merchant_id', 'effective_from'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_tiers',
        ...opts,
        columns: [
          { ...c.ref('merchant_id'), isPrimary: true },
          { ...c.ref('member_id'), isPrimary: true },
          c.string('tier_code', 64, true),
          c.timestamp('since'),
          c.timestamp('evaluated_at'),
          c.timestamp('grace_until', true),
        ],
        foreignKeys: [merchantFk],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['member_tiers', 'programs', 'member_balances', 'point_lots', 'point_entries']) {
      await q.dropTable(table, true);
    }
  }
}
