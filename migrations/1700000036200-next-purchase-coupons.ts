import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/**
 * Next-purchase coupons (issue 9, items 3 and 4): a sale that meets an
 * `issue_coupon` offer's threshold issues a single-use code with its own
 * terms (an amount off, a minimum spend) and dates, kept with the code; a
 * void of that sale withdraws the coupon if it is still unused.
 */
export class NextPurchaseCoupons1700000036200 implements MigrationInterface {
  name = 'NextPurchaseCoupons1700000036200';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumns('offer_codes', [
      new TableColumn(c.bigint('amount_off_minor', undefined, true)),
      new TableColumn(c.bigint('min_spend_minor', undefined, true)),
      new TableColumn(c.ref('issued_by_purchase_id', true)),
    ]);
    await q.createIndex('offer_codes', new TableIndex({ name: 'ix_offer_codes_issued_by', columnNames: ['issued_by_purchase_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('offer_codes', 'ix_offer_codes_issued_by');
    await q.dropColumns('offer_codes', ['amount_off_minor', 'min_spend_minor', 'issued_by_purchase_id']);
  }
}
