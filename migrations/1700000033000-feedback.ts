import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * Shopper feedback (issue 13): the merchant's scale, one answer per purchase
 * (the unique purchase id is what keeps a second answer out, whoever sends
 * it), the case a detractor's answer or a complaint opens, and the case's notes.
 */
export class Feedback1700000033000 implements MigrationInterface {
  name = 'Feedback1700000033000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'feedback_settings',
        ...opts,
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, c.string('scale', 8), c.int('case_due_days', 3), c.timestamp('updated_at')],
        foreignKeys: [merchantFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'feedback_answers',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('purchase_id'),
          c.ref('store_id'),
          c.ref('member_id', true),
          c.string('scale', 8),
          c.int('score'),
          c.string('band', 16),
          c.text('comment'),
          c.bool('complaint'),
          c.string('language', 8),
          c.string('via', 16),
          c.string('contact_channel', 8, true),
          c.string('contact', 254, true),
          c.timestamp('purchased_at'),
          c.timestamp('answered_at'),
          c.timestamp('anonymised_at', true),
        ],
        foreignKeys: [merchantFk],
        uniques: [{ name: 'uq_feedback_answers_purchase', columnNames: ['purchase_id'] }],
        indices: [
          // The inbox and the reports read a merchant's answers by time; a member's answers for the data download.
          { name: 'ix_feedback_answers_merchant', columnNames: ['merchant_id', 'answered_at'] },
          { name: 'ix_feedback_answers_member', columnNames: ['merchant_id', 'member_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'feedback_cases',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('answer_id'),
          c.string('status', 16),
          c.string('reason', 16),
          c.ref('assignee_id', true),
          c.timestamp('due_at'),
          c.timestamp('opened_at'),
          c.text('resolution'),
          c.timestamp('resolved_at', true),
          c.ref('resolved_by', true),
          c.string('resolution_sent_via', 8, true),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [merchantFk, { columnNames: ['answer_id'], referencedTableName: 'feedback_answers', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_feedback_cases_answer', columnNames: ['answer_id'] }],
        // Open and overdue cases are counted and listed by status and due date.
        indices: [{ name: 'ix_feedback_cases_due', columnNames: ['merchant_id', 'status', 'due_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'feedback_case_notes',
        ...opts,
        columns: [c.serial(), c.ref('merchant_id'), c.ref('case_id'), c.ref('author_id'), c.string('author_name', 200), c.text('text', false), c.timestamp('created_at')],
        foreignKeys: [{ columnNames: ['case_id'], referencedTableName: 'feedback_cases', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_feedback_case_notes_case', columnNames: ['case_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('feedback_case_notes');
    await q.dropTable('feedback_cases');
    await q.dropTable('feedback_answers');
    await q.dropTable('feedback_settings');
  }
}
