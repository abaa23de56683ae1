import type { Knex } from 'knex';

// The correlation id of what marked the row (a webhook delivery, a poll run, a person's request), so the
// sync that serves the row can name the trigger in its log lines. The latest mark's id wins, as its payload
// and source do.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dirty', (table) => {
    table.string('correlation_id', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dirty', (table) => {
    table.dropColumn('correlation_id');
  });
}
