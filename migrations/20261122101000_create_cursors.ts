import type { Knex } from 'knex';

// Named poll watermarks per installation (for example the last SystemModstamp a Salesforce poll reached).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cursors', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('name', 128).notNullable();
    table.text('value').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['installation_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('cursors');
}
