import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Sales forecasts (issue 11):
 * - `forecast_calendars`: the merchant's closed weekdays and closed dates
 *   (holidays, stocktaking), one row per merchant;
 * - `forecast_runs`: one run per merchant and as-of date, its status and summary;
 * - `forecast_series`: a run's forecast of one measure of one series (the
 *   merchant, a store, a category, a store × category): the method chosen,
 *   the days ahead with their intervals, and the backtest's accuracy.
 */
export class Forecasts1700000032000 implements MigrationInterface {
  name = 'Forecasts1700000032000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'forecast_calendars',
        ...opts,
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, c.json('closed_weekdays', false), c.json('closed_days', false), c.timestamp('updated_at')],
        foreignKeys: [merchantFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'forecast_runs',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.date('as_of', false),
          c.string('status', 16),
          c.string('trigger', 16),
          c.int('horizon'),
          c.int('series', 0),
          c.json('summary'),
          c.string('error', 500, true),
          c.timestamp('created_at'),
          c.timestamp('finished_at', true),
        ],
        foreignKeys: [merchantFk],
        // The newest run (as of a date) of a merchant.
        indices: [{ name: 'ix_forecast_runs_merchant', columnNames: ['merchant_id', 'as_of', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'forecast_series',
        ...opts,
        columns: [
          { ...c.ref('run_id'), isPrimary: true },
          { ...c.string('series_key', 120), isPrimary: true },
          { ...c.string('measure', 16), isPrimary: true },
          c.ref('merchant_id'),
          c.string('level', 16),
          c.ref('store_id', true),
          c.string('category', 64, true),
          c.string('method', 16, true),
          c.int('first_day'),
          c.int('history_days'),
          c.json('forecast', false),
          c.json('accuracy'),
          c.json('scores', false),
          c.string('too_few_data', 300, true),
        ],
        foreignKeys: [{ columnNames: ['run_id'], referencedTableName: 'forecast_runs', referencedColumnNames: ['id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('forecast_series');
    await q.dropTable('forecast_runs');
    await q.dropTable('forecast_calendars');
  }
}
