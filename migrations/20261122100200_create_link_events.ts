import type { Knex } from 'knex';

// What happened to a link, when and why: creation and every state change, in order.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('link_events', (table) => {
    table.bigIncrements('id').primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('link_id', 36).notNullable().references('id').inTable('links').onDelete('CASCADE');
    table.string('event', 32).notNullable();
    table.string('from_state', 16);
    table.string('to_state', 16).notNullable();
    table.string('related_link_id', 36);
    table.text('reason').notNullable();
    table.string('actor', 128).notNullable();
    table.string('correlation_id', 64);
    table.bigInteger('occurred_at').notNullable();
    table.index(['link_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('link_events');
}
