import type { Knex } from 'knex';

// At most one token refresh per installation and provider at a time, across every process that shares the
// database: a process refreshes only while it holds the row's lease, which expires by itself if the process
// dies mid-refresh.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('token_refresh_leases', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('provider', 16).notNullable();
    table.string('holder', 64).notNullable();
    table.bigInteger('acquired_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.primary(['installation_id', 'provider']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('token_refresh_leases');
}
