import type { Knex } from 'knex';

// What the status page shows about each connection beyond its tokens: the outcome of the HubSpot property
// bootstrap (JSON), the scopes Salesforce granted, and when the Salesforce connection and its current
// access token were made (Salesforce tokens carry no expiry; they are refreshed when a call is refused).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.text('hubspot_properties_report');
    table.text('salesforce_scopes');
    table.bigInteger('salesforce_connected_at');
    table.bigInteger('salesforce_token_issued_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('installations', (table) => {
    table.dropColumn('hubspot_properties_report');
    table.dropColumn('salesforce_scopes');
    table.dropColumn('salesforce_connected_at');
    table.dropColumn('salesforce_token_issued_at');
  });
}
