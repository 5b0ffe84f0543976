import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './util';

/**
 * Columns as long as validation lets values be (issue 15, finding 7): BCP 47
 * language tags up to 35 characters, and notification subjects that hold a
 * 200-character shop name. SQLite does not enforce varchar lengths, so only
 * MySQL changes; the lengths are written out because a landed migration
 * must not move when src/db/text-limits.ts does.
 */
export class TextLimits1700000015100 implements MigrationInterface {
  name = 'TextLimits1700000015100';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q) !== 'mysql') return;
    await q.query('ALTER TABLE `members` MODIFY `locale` varchar(35) NULL');
    await q.query('ALTER TABLE `merchants` MODIFY `locale` varchar(35) NOT NULL');
    await q.query('ALTER TABLE `staff_users` MODIFY `locale` varchar(35) NULL');
    await q.query('ALTER TABLE `notifications` MODIFY `subject` varchar(255) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    if (dialectOf(q) !== 'mysql') return;
    await q.query('ALTER TABLE `members` MODIFY `locale` varchar(16) NULL');
    await q.query('ALTER TABLE `merchants` MODIFY `locale` varchar(16) NOT NULL');
    await q.query('ALTER TABLE `staff_users` MODIFY `locale` varchar(16) NULL');
    await q.query('ALTER TABLE `notifications` MODIFY `subject` varchar(200) NULL');
  }
}
