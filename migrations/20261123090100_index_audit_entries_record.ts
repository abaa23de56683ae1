import type { Knex } from 'knex';

// A record's history reads the lines about the record itself (those written before it had a link, and
// what people did on its card) next to its links' lines.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_entries', (table) => {
    table.index(
      ['installation_id', 'record_side', 'record_object_type', 'record_id', 'occurred_at'],
      'audit_entries_record_idx',
    );
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_entries', (table) => {
    table.dropIndex(
      ['installation_id', 'record_side', 'record_object_type', 'record_id', 'occurred_at'],
      'audit_entries_record_idx',
    );
  });
}
