import type { Knex } from 'knex';

// The admin's own pause, kept apart from pauses caused by a broken connection, so that reconnecting
// Salesforce resumes sync only when the admin had not paused it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.boolean('paused_by_admin').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.dropColumn('paused_by_admin');
  });
}
