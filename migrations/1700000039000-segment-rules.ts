import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Rule-based segments (issue 12, item 1): a segment may hold rules over
 * member facts and scores instead of a list; a refresh makes
 * `segment_members` what the rules select and writes who entered and who
 * left to `segment_member_changes`, so the owner sees the history.
 */
export class SegmentRules1700000039000 implements MigrationInterface {
  name = 'SegmentRules1700000039000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('segments', new TableColumn(c.json('rules')));
    await q.addColumn('segments', new TableColumn(c.timestamp('refreshed_at', true)));
    await q.createTable(
      new Table({
        name: 'segment_member_changes',
        ...mysqlTableOptions(q),
        columns: [c.serial(), c.ref('merchant_id'), c.ref('segment_id'), c.ref('member_id'), c.string('change_kind', 8), c.timestamp('changed_at')],
        foreignKeys: [{ columnNames: ['segment_id'], referencedTableName: 'segments', referencedColumnNames: ['id'] }],
        indices: [
          { name: 'ix_segment_member_changes_segment', columnNames: ['segment_id', 'changed_at'] },
          { name: 'ix_segment_member_changes_member', columnNames: ['merchant_id', 'member_id'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('segment_member_changes');
    await q.dropColumn('segments', 'refreshed_at');
    await q.dropColumn('segments', 'rules');
  }
}
