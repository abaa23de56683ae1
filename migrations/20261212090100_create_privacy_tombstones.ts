import type { Knex } from 'knex';

// What a HubSpot privacy deletion leaves behind: no values, only a hash of the person's normalized email and
// the ids their records had, so the person is never created again in HubSpot from Salesforce.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('privacy_tombstones', (table) => {
    table.bigIncrements('id').primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('hubspot_object_type', 32).notNullable();
    table.string('hubspot_id', 64).notNullable();
    table.string('email_hash', 64);
    table.text('salesforce_ids').notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['installation_id', 'email_hash']);
    table.index(['installation_id', 'hubspot_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('privacy_tombstones');
}
