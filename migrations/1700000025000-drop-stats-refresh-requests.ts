import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Member stats are refreshed by the event dispatch itself, once per member
 * per relay round, under a lock on the member's row: the request table and
 * its delayed job are gone. A refresh job still pending from before is
 * dropped with them; the member's next purchase event refreshes the stats.
 */
export class DropStatsRefreshRequests1700000025000 implements MigrationInterface {
  name = 'DropStatsRefreshRequests1700000025000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM outbox WHERE job_name = 'purchases.refresh-member-stats'");
    await q.dropTable('stats_refresh_requests');
  }

  async down(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.createTable(
      new Table({
        name: 'stats_refresh_requests',
        ...mysqlTableOptions(q),
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, c.int('seq'), c.timestamp('requested_at')],
      }),
    );
  }
}
