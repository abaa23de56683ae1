import type { Knex } from 'knex';

// The work queue: one row per record waiting to sync, so bursts of changes coalesce. `next_attempt_at` is
// when the row may next be claimed; while a worker holds it, that is the end of the lease, so a single
// index finds due work and expired leases alike.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dirty', (table) => {
    table.bigIncrements('id').primary();
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('side', 16).notNullable();
    table.string('object_type', 32).notNullable();
    table.string('record_id', 32).notNullable();
    table.string('state', 16).notNullable();
    table.integer('generation').notNullable();
    table.text('payload');
    table.string('source', 32).notNullable();
    table.integer('attempts').notNullable();
    table.bigInteger('next_attempt_at').notNullable();
    table.string('claimed_by', 128);
    table.string('claim_token', 36);
    table.bigInteger('claimed_until');
    table.string('last_error_code', 64);
    table.text('last_error');
    table.bigInteger('first_marked_at').notNullable();
    table.bigInteger('last_marked_at').notNullable();
    table.unique(['installation_id', 'side', 'object_type', 'record_id']);
    // Claims probe per installation; lease recovery looks for claimed rows past their lease. No index on
    // next_attempt_at alone: with one big backlog, PostgreSQL would pick it for other installations' probes.
    table.index(['installation_id', 'next_attempt_at']);
    table.index(['state', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dirty');
}
