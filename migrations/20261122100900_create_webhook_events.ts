import type { Knex } from 'knex';

// HubSpot webhook events as received. HubSpot may deliver an event more than once and `eventId` alone is
// not unique, so the key is portal + eventId + subscriptionId + occurredAt.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_events', (table) => {
    table.bigIncrements('id').primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('portal_id', 32).notNullable();
    table.string('event_id', 32).notNullable();
    table.string('subscription_id', 32).notNullable();
    table.bigInteger('occurred_at').notNullable();
    table.string('subscription_type', 64).notNullable();
    table.string('object_id', 32);
    table.integer('attempt_number').notNullable();
    table.text('payload').notNullable();
    table.bigInteger('received_at').notNullable();
    table.bigInteger('processed_at');
    table.unique(['portal_id', 'event_id', 'subscription_id', 'occurred_at']);
    table.index(['installation_id', 'received_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_events');
}
