import type { Knex } from 'knex';

// Deletes the mass-delete brake held back for an admin: one row per link whose delete waits, until an admin
// releases it (the delete is then handled as usual) or discards it (the link is left as it was). A link has
// at most one hold the engine has not finished with.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delete_holds', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).notNullable();
    table.string('deleted_side', 16).notNullable();
    table.string('hubspot_object_type', 32).notNullable();
    table.string('hubspot_id', 64).notNullable();
    table.string('salesforce_object_type', 32).notNullable();
    table.string('salesforce_id', 18).notNullable();
    table.string('state', 16).notNullable();
    table.bigInteger('held_at').notNullable();
    table.bigInteger('decided_at');
    table.string('decided_by', 128);
    table.bigInteger('settled_at');
    table.index(['installation_id', 'state', 'held_at']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX delete_holds_one_unsettled_per_link ON delete_holds (link_id) WHERE settled_at IS NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delete_holds');
}
