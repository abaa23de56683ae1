import type { Knex } from 'knex';

// Signatures of signed write requests from HubSpot (the settings page and the record card), remembered for
// as long as the signature is accepted (five minutes either way), so that one captured request cannot be
// replayed, in any process sharing the database. Only a hash of the signature is kept.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('seen_signatures', (table) => {
    table.string('signature_hash', 64).primary();
    table.bigInteger('expires_at').notNullable();
    table.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seen_signatures');
}
