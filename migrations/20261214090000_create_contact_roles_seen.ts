import type { Knex } from 'knex';

// The Opportunity of every contact role the bridge has read. Salesforce keeps a role deleted on its own out
// of the recycle bin and its replication API names only the role's id: this is how the contact-role poll
// learns which Opportunity lost it. One row per role (its 15-character id).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contact_roles_seen', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('role_id', 18).notNullable();
    table.string('opportunity_id', 18).notNullable();
    table.bigInteger('seen_at').notNullable();
    table.primary(['installation_id', 'role_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contact_roles_seen');
}
