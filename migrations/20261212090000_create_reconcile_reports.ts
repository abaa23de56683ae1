import type { Knex } from 'knex';

// One row per reconciliation run of an installation: what started it, how it ended, and what it found, by
// kind (JSON counts). A requested run waits here (`requested`) until a worker takes it; the newest rows
// are kept as the installation's drift over time.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reconcile_reports', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('trigger', 16).notNullable();
    table.string('requested_by', 128);
    table.string('state', 16).notNullable();
    table.text('counts').notNullable();
    table.integer('hubspot_calls').notNullable().defaultTo(0);
    table.integer('salesforce_calls').notNullable().defaultTo(0);
    table.text('message');
    table.bigInteger('requested_at').notNullable();
    table.bigInteger('started_at');
    table.bigInteger('finished_at');
    table.index(['installation_id', 'requested_at']);
    table.index(['state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reconcile_reports');
}
