import type { Knex } from 'knex';

// HubSpot object ⇄ Salesforce record. Links are never deleted by the sync: they change state (tombstoned,
// merged, superseded, purged) so that history survives and a tombstone can block re-creation. Only ACTIVE
// links must be unique per record on each side; any number of dead links may point at the same record.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('links', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('hubspot_object_type', 16).notNullable();
    table.string('hubspot_id', 32).notNullable();
    table.string('salesforce_object_type', 32).notNullable();
    table.string('salesforce_id', 18).notNullable();
    table.string('state', 16).notNullable();
    table.string('origin', 32).notNullable();
    table.string('superseded_by_link_id', 36).references('id').inTable('links').onDelete('SET NULL');
    table.string('merged_into_link_id', 36).references('id').inTable('links').onDelete('SET NULL');
    table.string('tombstoned_side', 16);
    table.bigInteger('tombstoned_at');
    table.bigInteger('last_synced_at');
    table.bigInteger('state_changed_at').notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(['installation_id', 'hubspot_object_type', 'hubspot_id']);
    table.index(['installation_id', 'salesforce_id']);
  });
  await knex.raw(
    "CREATE UNIQUE INDEX links_one_active_per_hubspot_record ON links (installation_id, hubspot_object_type, hubspot_id) WHERE state = 'active'",
  );
  await knex.raw(
    "CREATE UNIQUE INDEX links_one_active_per_salesforce_record ON links (installation_id, salesforce_id) WHERE state = 'active'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('links');
}
