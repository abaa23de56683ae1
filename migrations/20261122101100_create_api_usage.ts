import type { Knex } from 'knex';

// API calls spent per installation, provider and fixed time window. Counting happens in the database with
// an atomic upsert so that limits hold across any number of worker processes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_usage', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('provider', 16).notNullable();
    table.bigInteger('window_ms').notNullable();
    table.bigInteger('window_start').notNullable();
    table.integer('calls').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['installation_id', 'provider', 'window_ms', 'window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_usage');
}
