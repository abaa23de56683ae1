import type { Knex } from 'knex';

// One row per running bridge process (server, worker, sync worker), rewritten every few seconds: /readyz
// reads whether a worker is alive from it, and /metrics relays each process's own counters through it, so
// the server that is scraped can answer for workers that serve no HTTP.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_heartbeats', (table) => {
    table.string('id', 128).primary();
    table.string('role', 16).notNullable();
    table.string('hostname', 255).notNullable();
    table.integer('pid').notNullable();
    table.bigInteger('started_at').notNullable();
    table.bigInteger('beat_at').notNullable();
    /** The process's metrics as prom-client's JSON, as of the beat. */
    table.text('metrics');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('process_heartbeats');
}
