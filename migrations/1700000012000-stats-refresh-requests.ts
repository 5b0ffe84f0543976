import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Pending member-stats refreshes: one row per member while a coalesced refresh is on its way. */
export class StatsRefreshRequests1700000012000 implements MigrationInterface {
  name = 'StatsRefreshRequests1700000012000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.createTable(
      new Table({
        name: 'stats_refresh_requests',
        ...mysqlTableOptions(q),
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, c.int('seq'), c.timestamp('requested_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('stats_refresh_requests');
  }
}
