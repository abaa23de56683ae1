import type { Knex } from 'knex';

// Salesforce creates sent without an upsert key (the org has no external-id field for the HubSpot id) whose
// answer may be lost: written before the call, removed once Salesforce answers. While a row exists, the
// bridge looks for the record that create may have made before it creates again.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('creates_in_doubt', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('hubspot_object_type', 32).notNullable();
    table.string('hubspot_id', 64).notNullable();
    table.string('salesforce_object_type', 64).notNullable();
    /** The fields sent, as JSON: how the created record is recognized. */
    table.text('fields').notNullable();
    table.bigInteger('sent_at').notNullable();
    /** When the call ended without a usable answer; null while it may still be on its way. */
    table.bigInteger('ended_at').nullable();
    table.primary(['installation_id', 'hubspot_object_type', 'hubspot_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('creates_in_doubt');
}
