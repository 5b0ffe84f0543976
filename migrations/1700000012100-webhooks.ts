import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/** Merchants' webhook subscriptions and their delivery log. */
export class Webhooks1700000012100 implements MigrationInterface {
  name = 'Webhooks1700000012100';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    await q.createTable(
      new Table({
        name: 'webhook_subscriptions',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('url', 2000),
          c.string('description', 200, true),
          c.json('events', false),
          c.string('secret', 100),
          c.bool('enabled', true),
          c.string('disabled_reason', 200, true),
          c.int('consecutive_failures', 0),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] }],
        // The fan-out reads a merchant's enabled subscriptions for every event.
        indices: [{ name: 'ix_webhook_subscriptions_merchant', columnNames: ['merchant_id', 'enabled'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.ref('subscription_id'),
          c.ref('event_id'),
          c.string('event_type', 64),
          c.text('body', false),
          c.string('status', 16),
          c.int('attempts', 0),
          c.int('response_code', undefined, true),
          c.string('last_error', 500, true),
          c.timestamp('created_at'),
          c.timestamp('last_attempt_at', true),
          c.timestamp('next_attempt_at', true),
          c.timestamp('delivered_at', true),
        ],
        foreignKeys: [{ columnNames: ['subscription_id'], referencedTableName: 'webhook_subscriptions', referencedColumnNames: ['id'] }],
        // An event is delivered to a subscription once, however often it is dispatched.
        uniques: [{ name: 'uq_webhook_deliveries_event', columnNames: ['subscription_id', 'event_id'] }],
        indices: [{ name: 'ix_webhook_deliveries_log', columnNames: ['merchant_id', 'subscription_id', 'id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_deliveries');
    await q.dropTable('webhook_subscriptions');
  }
}
