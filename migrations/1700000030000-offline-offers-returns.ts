import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/**
 * Offline offers and returns that unwind offers (issue 9 items 7 and 8):
 * - offer_uses.offline: the use came from a till that priced the sale offline (the server accepted what it printed);
 * - offer_uses.flag: why the owner should look at an offline use (past a limit or budget, after the offer ended);
 * - offer_uses.terms: the offer's terms at the sale, so a partial return re-prices what is kept as the sale did;
 * - purchase_lines.discount_minor: the line's share of the offer discounts, so a return refunds what was paid.
 */
export class OfflineOffersReturns1700000030000 implements MigrationInterface {
  name = 'OfflineOffersReturns1700000030000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumns('offer_uses', [new TableColumn(c.bool('offline', false)), new TableColumn(c.string('flag', 32, true)), new TableColumn(c.json('terms'))]);
    await q.addColumn('purchase_lines', new TableColumn(c.bigint('discount_minor', 0)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('purchase_lines', 'discount_minor');
    await q.dropColumns('offer_uses', ['terms', 'flag', 'offline']);
  }
}
