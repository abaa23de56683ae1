import type { Knex } from 'knex';

// Dead letters (retries exhausted) and quarantined records (a permanent error), with a category and a
// sentence a person can act on. A record has at most one unresolved failure; a repeat updates it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('failures', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).references('id').inTable('links').onDelete('SET NULL');
    table.string('side', 16).notNullable();
    table.string('object_type', 32).notNullable();
    table.string('record_id', 32).notNullable();
    table.string('kind', 16).notNullable();
    table.string('category', 64).notNullable();
    table.string('code', 64).notNullable();
    table.text('message').notNullable();
    table.text('details').notNullable();
    table.integer('attempts').notNullable();
    table.string('state', 16).notNullable();
    table.bigInteger('first_failed_at').notNullable();
    table.bigInteger('last_failed_at').notNullable();
    table.string('resolved_by', 128);
    table.bigInteger('resolved_at');
    table.index(['installation_id', 'state', 'last_failed_at']);
  });
  await knex.raw(
    "CREATE UNIQUE INDEX failures_one_unresolved_per_record ON failures (installation_id, side, object_type, record_id) WHERE state <> 'resolved'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('failures');
}
