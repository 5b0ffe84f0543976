import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf } from './util';

/**
 * An outbox row is done when its job has run, not when the job reached the
 * queue: a Redis that restarts empty forgets queued jobs, and the relay must
 * still know which ones to hand over again. Rows relayed before this were
 * counted done then, so they are marked completed at their relay time.
 */
export class OutboxCompletion1700000013000 implements MigrationInterface {
  name = 'OutboxCompletion1700000013000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    await q.addColumn('outbox', new TableColumn(c.timestamp('completed_at', true)));
    await q.query('UPDATE outbox SET completed_at = relayed_at WHERE relayed_at IS NOT NULL');
    await q.dropIndex('outbox', 'ix_outbox_pending');
    await q.createIndex('outbox', new TableIndex({ name: 'ix_outbox_pending', columnNames: ['completed_at', 'available_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('outbox', 'ix_outbox_pending');
    await q.createIndex('outbox', new TableIndex({ name: 'ix_outbox_pending', columnNames: ['relayed_at', 'available_at'] }));
    await q.dropColumn('outbox', 'completed_at');
  }
}
