import type { Knex } from 'knex';

// Versioned settings per installation. A save inserts the next version; older versions are never rewritten,
// so any sync decision can be explained by the settings that were current when it was made.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('settings', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table.text('document').notNullable();
    table.string('created_by', 128).notNullable();
    table.bigInteger('created_at').notNullable();
    table.primary(['installation_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settings');
}
