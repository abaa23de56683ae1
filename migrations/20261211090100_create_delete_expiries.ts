import type { Knex } from 'knex';

// What the delete policy did when a tombstone's grace period ended: one row per tombstone (a link tombstoned
// again later gets a row of its own), so the expiry job acts once per delete and the card can say what
// happened to the other record.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delete_expiries', (table) => {
    table.string('id', 36).primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).notNullable();
    table.bigInteger('tombstoned_at').notNullable();
    table.string('outcome', 32).notNullable();
    table.text('reason').notNullable();
    table.bigInteger('decided_at').notNullable();
    table.unique(['link_id', 'tombstoned_at']);
    table.index(['installation_id', 'decided_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delete_expiries');
}
