import type { Knex } from 'knex';

// A record that matched two or more candidates on the other side: it waits for a person to pick one
// (or to ask for a new record) instead of the bridge guessing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pending_matches', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('side', 16).notNullable();
    table.string('object_type', 32).notNullable();
    table.string('record_id', 32).notNullable();
    table.text('candidates').notNullable();
    table.text('reason').notNullable();
    table.string('state', 16).notNullable();
    table.text('choice');
    table.string('resolved_by', 128);
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('resolved_at');
    table.index(['installation_id', 'state', 'opened_at']);
  });
  await knex.raw(
    "CREATE UNIQUE INDEX pending_matches_one_open_per_record ON pending_matches (installation_id, side, object_type, record_id) WHERE state = 'open'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pending_matches');
}
