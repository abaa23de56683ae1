import type { Knex } from 'knex';

// The last value synced for each mapped field of a link (canonical JSON). A row with JSON `null` means
// "synced as blank"; no row means "never synced", which change detection must tell apart.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('shadows', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).notNullable().references('id').inTable('links').onDelete('CASCADE');
    table.string('field_key', 128).notNullable();
    table.text('value').notNullable();
    table.bigInteger('synced_at').notNullable();
    table.primary(['link_id', 'field_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('shadows');
}
