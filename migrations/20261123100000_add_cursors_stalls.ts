import type { Knex } from 'knex';

// How often a poll ended without moving its cursor although its source said more records remained, and
// when it last did: a stalled cursor re-reads the same records forever, so it must show, not hide.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cursors', (table) => {
    table.integer('stalls').notNullable().defaultTo(0);
    table.bigInteger('last_stalled_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cursors', (table) => {
    table.dropColumn('last_stalled_at');
    table.dropColumn('stalls');
  });
}
