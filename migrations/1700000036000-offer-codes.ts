import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Coupon codes (issue 9, item 4): an offer with trigger `code` is applied
 * when the till sends one of its codes. A code is either the offer's public
 * multi-use code or a single-use code from a generated batch; a single-use
 * code is marked used by the sale that applies it (`used_at`, `purchase_id`,
 * set by a conditional UPDATE in the sale's transaction) and released by a
 * void. Codes are unique per merchant, whatever offer they belong to, so a
 * scanned code names one offer.
 */
export class OfferCodes1700000036000 implements MigrationInterface {
  name = 'OfferCodes1700000036000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const offerFk = { columnNames: ['offer_id'], referencedTableName: 'offers', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'offer_code_batches',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.ref('offer_id'), c.string('prefix', 12), c.int('code_count'), c.timestamp('created_at')],
        foreignKeys: [offerFk],
        indices: [{ name: 'ix_offer_code_batches_offer', columnNames: ['merchant_id', 'offer_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'offer_codes',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('offer_id'),
          c.ref('batch_id', true),
          c.string('code', 40),
          c.bool('single_use'),
          // Local days (YYYY-MM-DD, inclusive) in the merchant's zone; null: the offer's own schedule only.
          c.string('valid_from', 10, true),
          c.string('valid_until', 10, true),
          c.ref('member_id', true),
          c.timestamp('used_at', true),
          c.ref('purchase_id', true),
          c.timestamp('created_at'),
        ],
        foreignKeys: [offerFk, { columnNames: ['batch_id'], referencedTableName: 'offer_code_batches', referencedColumnNames: ['id'] }],
        indices: [
          { name: 'ux_offer_codes_code', columnNames: ['merchant_id', 'code'], isUnique: true },
          { name: 'ix_offer_codes_offer', columnNames: ['offer_id', 'batch_id'] },
          // A void releases the codes its sale used.
          { name: 'ix_offer_codes_purchase', columnNames: ['purchase_id'] },
        ],
      }),
    );
    // The public code again on the offer, for its view and the till's offer set (offline tills resolve it); its row in offer_codes keeps it unique.
    await q.addColumn('offers', new TableColumn(c.string('public_code', 40, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('offers', 'public_code');
    await q.dropTable('offer_codes');
    await q.dropTable('offer_code_batches');
  }
}
