import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Fixed-window counters for the abuse limits, shared by every api process (issue 15). */
export class RateCounters1700000015000 implements MigrationInterface {
  name = 'RateCounters1700000015000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.createTable(
      new Table({
        name: 'rate_counters',
        ...mysqlTableOptions(q),
        columns: [{ ...c.string('counter_key', 120), isPrimary: true }, c.int('hits'), c.timestamp('expires_at')],
      }),
    );
    await q.createIndex('rate_counters', new TableIndex({ name: 'ix_rate_counters_expires', columnNames: ['expires_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rate_counters');
  }
}
