import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Segments and campaigns (issue 12), first part:
 * - a static segment is a list of members (uploaded as CSV);
 * - a campaign targets a segment and, when launched, draws each member into
 *   the treated or the holdout group once (`campaign_members`): the groups the
 *   lift report compares stay what they were at launch.
 */
export class SegmentsCampaigns1700000035000 implements MigrationInterface {
  name = 'SegmentsCampaigns1700000035000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'segments',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.string('name', 200), c.string('kind', 16), c.int('member_count', 0), c.timestamp('created_at'), c.timestamp('updated_at')],
        foreignKeys: [merchantFk],
        indices: [{ name: 'ix_segments_merchant', columnNames: ['merchant_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'segment_members',
        ...opts,
        columns: [{ ...c.ref('segment_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, c.ref('merchant_id'), c.timestamp('added_at')],
        foreignKeys: [{ columnNames: ['segment_id'], referencedTableName: 'segments', referencedColumnNames: ['id'] }],
        // Which segments a member is in (offer conditions, the member page).
        indices: [{ name: 'ix_segment_members_member', columnNames: ['merchant_id', 'member_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaigns',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('name', 200),
          c.ref('segment_id'),
          c.string('status', 16),
          c.int('holdout_percent'),
          c.timestamp('starts_at'),
          c.timestamp('ends_at'),
          c.int('margin_percent'),
          c.bigint('cost_minor', 0),
          c.int('treated_count', 0),
          c.int('holdout_count', 0),
          c.timestamp('created_at'),
          c.timestamp('launched_at', true),
          c.timestamp('ended_at', true),
        ],
        foreignKeys: [merchantFk, { columnNames: ['segment_id'], referencedTableName: 'segments', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_campaigns_merchant', columnNames: ['merchant_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_members',
        ...opts,
        columns: [{ ...c.ref('campaign_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, c.ref('merchant_id'), c.bool('holdout'), c.timestamp('assigned_at')],
        foreignKeys: [{ columnNames: ['campaign_id'], referencedTableName: 'campaigns', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_campaign_members_member', columnNames: ['merchant_id', 'member_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('campaign_members');
    await q.dropTable('campaigns');
    await q.dropTable('segment_members');
    await q.dropTable('segments');
  }
}
