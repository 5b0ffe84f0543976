import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/**
 * The rewards catalogue (issue 9, item 4): a `code` offer with a points
 * price is a reward a member buys with points, in the portal or at the
 * till; the points are debited and the member's single-use code issued in
 * one transaction.
 */
export class OfferRewards1700000036300 implements MigrationInterface {
  name = 'OfferRewards1700000036300';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('offers', new TableColumn(columns(dialectOf(q)).int('reward_points', undefined, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('offers', 'reward_points');
  }
}
