import type { Knex } from 'knex';

// Conditions an operator must hear about (a Salesforce connection that needs a new login, a budget running
// out, failing or stalled syncs), one row from when a condition starts to when it ends. An installation has
// at most one unresolved alert of each kind; one that ended stays as history with its resolved time.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alerts', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('kind', 64).notNullable();
    table.string('severity', 16).notNullable();
    table.text('message').notNullable();
    table.text('details').notNullable();
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('resolved_at');
    table.index(['installation_id', 'opened_at']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX alerts_one_open_per_kind ON alerts (installation_id, kind) WHERE resolved_at IS NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('alerts');
}
