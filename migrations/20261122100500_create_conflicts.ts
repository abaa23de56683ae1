import type { Knex } from 'knex';

// The review queue: a field both sides changed to different values that a person must settle.
// Values are canonical JSON; `shadow_value` is NULL when the field had never been synced.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conflicts', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).notNullable().references('id').inTable('links').onDelete('CASCADE');
    table.string('field_key', 128).notNullable();
    table.text('hubspot_value').notNullable();
    table.text('salesforce_value').notNullable();
    table.text('shadow_value');
    table.bigInteger('hubspot_changed_at');
    table.bigInteger('salesforce_changed_at');
    table.string('state', 16).notNullable();
    table.string('resolution', 16);
    table.text('resolved_value');
    table.string('resolved_by', 128);
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('resolved_at');
    table.index(['installation_id', 'state', 'opened_at']);
  });
  await knex.raw(
    "CREATE UNIQUE INDEX conflicts_one_open_per_field ON conflicts (link_id, field_key) WHERE state = 'open'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('conflicts');
}
