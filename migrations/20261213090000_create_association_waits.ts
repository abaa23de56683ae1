import type { Knex } from 'knex';

// Records whose association (a contact's or a deal's primary company) waits for the record at its other end
// to be linked: when a company or an Account is linked, the records waiting for it are marked dirty and the
// rows removed. One row per waiting record and record waited for.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('association_waits', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    /** The record that waits, as the dirty queue names it. */
    table.string('waiting_side', 16).notNullable();
    table.string('waiting_object_type', 32).notNullable();
    table.string('waiting_record_id', 64).notNullable();
    /** The record waited for: its side and id there. */
    table.string('for_side', 16).notNullable();
    table.string('for_record_id', 64).notNullable();
    table.bigInteger('created_at').notNullable();
    table.primary(['installation_id', 'for_side', 'for_record_id', 'waiting_side', 'waiting_record_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('association_waits');
}
