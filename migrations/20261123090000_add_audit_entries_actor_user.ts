import type { Knex } from 'knex';

// The HubSpot user behind an action a person took (sync now, a conflict kept, a match picked, a retry, a
// pause, a settings save, a Salesforce connection change): their user id and email, next to `actor`.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_entries', (table) => {
    table.string('actor_user_id', 32);
    table.string('actor_email', 254);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_entries', (table) => {
    table.dropColumn('actor_email');
    table.dropColumn('actor_user_id');
  });
}
