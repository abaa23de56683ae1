import type { Knex } from 'knex';

// Where the current Salesforce connection came from (the install page in the installer's browser, or a link
// from the settings page that anyone holding it could have opened; JSON with the HubSpot user who made the
// link and who confirmed it), and whether it still waits for a settings manager to confirm it. Rows from
// before have neither and keep syncing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.boolean('salesforce_awaiting_confirmation').notNullable().defaultTo(false);
    table.text('salesforce_connection_origin');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.dropColumn('salesforce_awaiting_confirmation');
    table.dropColumn('salesforce_connection_origin');
  });
}
