import type { Knex } from 'knex';

// The webhook deliveries of alerts: one row when an alert opens and one when it resolves, holding the exact
// body sent (so every retry carries the same signature) and where its retries stand, so that a delivery
// survives a restart and gives up after a bounded number of attempts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alert_deliveries', (table) => {
    table.bigIncrements('id').primary();
    table.string('alert_id', 36).notNullable().references('id').inTable('alerts').onDelete('CASCADE');
    table.string('event', 16).notNullable();
    table.text('body').notNullable();
    table.string('state', 16).notNullable();
    table.integer('attempts').notNullable();
    table.bigInteger('next_attempt_at').notNullable();
    table.integer('last_status');
    table.text('last_error');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('delivered_at');
    table.unique(['alert_id', 'event']);
    table.index(['state', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('alert_deliveries');
}
