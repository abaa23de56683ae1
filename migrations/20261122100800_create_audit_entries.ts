import type { Knex } from 'knex';

// Every write and every decision the bridge made, with the rule and the reason: the record card's history
// and the answer to "why did this value change?".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_entries', (table) => {
    table.bigIncrements('id').primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).references('id').inTable('links').onDelete('SET NULL');
    table.string('record_side', 16);
    table.string('record_object_type', 32);
    table.string('record_id', 32);
    table.string('action', 64).notNullable();
    table.string('field_key', 128);
    table.string('direction', 16).notNullable();
    table.string('rule', 64);
    table.text('before_value');
    table.text('after_value');
    table.text('reason').notNullable();
    table.string('actor', 128).notNullable();
    table.string('correlation_id', 64);
    table.bigInteger('occurred_at').notNullable();
    table.index(['installation_id', 'link_id', 'id']);
    table.index(['installation_id', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_entries');
}
