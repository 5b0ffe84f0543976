import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Member analytics (issue 10):
 * - `analytics_member_facts`: one row per member who bought, kept current from
 *   purchase events and rebuilt in bulk (first and last visit day, visits,
 *   spend, the log-gap sums the churn score needs, stores, categories);
 * - `analytics_runs`: one scoring run per merchant and as-of day, with its
 *   settings, diagnostics and summaries;
 * - `analytics_member_scores`, `analytics_product_scores`: the run's facts
 *   and scores per member and per product.
 * Days are whole days since 1970-01-01 in the merchant's time zone.
 */
export class Analytics1700000031000 implements MigrationInterface {
  name = 'Analytics1700000031000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const double = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'double', isNullable: nullable, default: nullable ? undefined : 0 });
    // Defaults so a run's scores can be written back by a multi-row upsert that names only the scores.
    const facts = (): TableColumnOptions[] => [
      c.int('first_day', 0),
      c.int('last_day', 0),
      c.int('visits', 0),
      c.bigint('spend_minor', 0),
      c.bigint('first_visit_minor', 0),
      c.int('gap_count', 0),
      double('gap_log_sum'),
      double('gap_log_squares'),
      c.int('longest_gap', 0),
      c.int('receipts', 0),
      c.int('stores', 0),
      c.int('categories', 0),
    ];
    await q.createTable(
      new Table({
        name: 'analytics_member_facts',
        ...mysqlTableOptions(q),
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, { ...c.ref('member_id'), isPrimary: true }, ...facts(), c.timestamp('updated_at')],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'analytics_runs',
        ...mysqlTableOptions(q),
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.date('as_of', false),
          c.int('as_of_day'),
          c.string('status', 16),
          c.string('trigger', 16),
          c.json('settings', false),
          c.int('members', 0),
          c.json('diagnostics'),
          c.json('summary'),
          c.string('error', 500, true),
          c.timestamp('created_at'),
          c.timestamp('finished_at', true),
        ],
        indices: [{ name: 'ix_analytics_runs_as_of', columnNames: ['merchant_id', 'as_of', 'status'] }],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'analytics_member_scores',
        ...mysqlTableOptions(q),
        columns: [
          { ...c.ref('run_id'), isPrimary: true },
          { ...c.ref('member_id'), isPrimary: true },
          c.ref('merchant_id'),
          ...facts(),
          c.int('days_since_last', 0),
          c.int('r_score', 0),
          c.int('f_score', 0),
          c.int('m_score', 0),
          c.string('segment', 24, true),
          c.string('abc', 1, true),
          c.int('churn_risk', undefined, true),
          c.int('usual_gap_days', undefined, true),
          c.string('rhythm', 8, true),
          double('p_alive', true),
          double('expected_30', true),
          double('expected_90', true),
          double('expected_365', true),
          c.bigint('expected_spend_minor', undefined, true),
          c.bigint('clv_minor', undefined, true),
          c.bigint('at_stake_minor', undefined, true),
        ],
        indices: [
          { name: 'ix_analytics_scores_cell', columnNames: ['run_id', 'r_score', 'f_score'] },
          { name: 'ix_analytics_scores_stake', columnNames: ['run_id', 'at_stake_minor'] },
          { name: 'ix_analytics_scores_member', columnNames: ['merchant_id', 'member_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'analytics_product_scores',
        ...mysqlTableOptions(q),
        columns: [
          { ...c.ref('run_id'), isPrimary: true },
          { ...c.string('sku', 64), isPrimary: true },
          c.ref('merchant_id'),
          c.string('name', 200, true),
          c.string('category', 64, true),
          c.bigint('spend_minor'),
          c.bigint('quantity_milli'),
          c.int('receipts'),
          c.string('abc', 1),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('analytics_product_scores');
    await q.dropTable('analytics_member_scores');
    await q.dropTable('analytics_runs');
    await q.dropTable('analytics_member_facts');
  }
}
