import type { Knex } from 'knex';

// One row per periodic job that may run in several processes (a poll per installation, say): whoever
// holds the unexpired lease runs it, so two workers never poll the same thing at once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('schedule_leases', (table) => {
    table.string('name', 191).primary();
    table.string('installation_id', 36).references('id').inTable('installations').onDelete('CASCADE');
    table.string('held_by', 128).notNullable();
    table.bigInteger('held_until').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('schedule_leases');
}
