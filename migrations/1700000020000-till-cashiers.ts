import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { TEXT_LIMITS } from '../src/db/text-limits';
import { dialectOf } from './util';

/**
 * Known cashiers at a paired till (issue 14, the till):
 * - a terminal is paired with a short one-time code from the back office
 *   (only its sha256 is kept, with an expiry), not a 56-character key typed by hand;
 * - staff get a PIN (scrypt hash) to sign in on a paired till;
 * - every sale, return and void records the cashier (id, and the name as it
 *   was, for the receipt);
 * - a sale is found by its receipt number in any store of the merchant.
 */
export class TillCashiers1700000020000 implements MigrationInterface {
  name = 'TillCashiers1700000020000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('terminals', new TableColumn(c.string('pairing_code_hash', 64, true)));
    await q.addColumn('terminals', new TableColumn(c.timestamp('pairing_expires_at', true)));
    await q.createIndex('terminals', new TableIndex({ name: 'ix_terminals_pairing_code', columnNames: ['pairing_code_hash'] }));
    await q.addColumn('staff_users', new TableColumn(c.string('pin_hash', 200, true)));
    await q.addColumn('purchases', new TableColumn(c.ref('cashier_id', true)));
    await q.addColumn('purchases', new TableColumn(c.string('cashier_name', TEXT_LIMITS.businessName, true)));
    await q.addColumn('purchases', new TableColumn(c.ref('void_cashier_id', true)));
    await q.addColumn('purchase_returns', new TableColumn(c.ref('cashier_id', true)));
    await q.createIndex('purchases', new TableIndex({ name: 'ix_purchases_receipt_number', columnNames: ['merchant_id', 'receipt_number'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('purchases', 'ix_purchases_receipt_number');
    await q.dropColumn('purchase_returns', 'cashier_id');
    await q.dropColumn('purchases', 'void_cashier_id');
    await q.dropColumn('purchases', 'cashier_name');
    await q.dropColumn('purchases', 'cashier_id');
    await q.dropColumn('staff_users', 'pin_hash');
    await q.dropIndex('terminals', 'ix_terminals_pairing_code');
    await q.dropColumn('terminals', 'pairing_expires_at');
    await q.dropColumn('terminals', 'pairing_code_hash');
  }
}
