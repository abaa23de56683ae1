import type { Knex } from 'knex';

// Single-use OAuth `state` nonces. Only a SHA-256 hash of the nonce is stored, so a database read cannot
// be replayed into a callback.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oauth_states', (table) => {
    table.string('nonce_hash', 64).primary();
    table.string('provider', 16).notNullable();
    table.string('installation_id', 36).references('id').inTable('installations').onDelete('CASCADE');
    table.text('payload');
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('consumed_at');
    table.bigInteger('created_at').notNullable();
    table.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oauth_states');
}
