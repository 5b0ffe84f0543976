import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/** When a voided sale gave its offer uses back: they no longer count towards limits, budgets or the report. */
export class OfferUsesVoided1700000026100 implements MigrationInterface {
  name = 'OfferUsesVoided1700000026100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('offer_uses', new TableColumn(columns(dialectOf(q)).timestamp('voided_at', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('offer_uses', 'voided_at');
  }
}
