import type { Knex } from 'knex';

// One row per installation and minute, written by the worker's sampler: what the operator dashboard draws
// its throughput and lag charts from. Pruned after a retention, so it stays a few thousand rows per portal.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ops_samples', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    /** The start of the sampled minute (epoch ms): two processes sampling one minute write one row. */
    table.bigInteger('sampled_at').notNullable();
    table.integer('synced').notNullable();
    table.integer('queued').notNullable();
    table.bigInteger('oldest_age_ms');
    table.integer('failures_open').notNullable();
    table.primary(['installation_id', 'sampled_at']);
    table.index(['sampled_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ops_samples');
}
