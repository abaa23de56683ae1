import type { Knex } from 'knex';

// One row per HubSpot portal that installed the app, with its Salesforce connection.
// Tokens are stored only as AES-256-GCM ciphertext. Every *_at column is epoch milliseconds (UTC).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('installations', (table) => {
    table.string('id', 36).primary();
    table.string('hubspot_portal_id', 32).notNullable().unique();
    table.string('status', 32).notNullable();
    table.string('hubspot_state', 32).notNullable();
    table.text('hubspot_access_token');
    table.text('hubspot_refresh_token');
    table.bigInteger('hubspot_token_expires_at');
    table.text('hubspot_scopes');
    table.string('hubspot_user_id', 64);
    table.string('hubspot_user_email', 320);
    table.string('hubspot_hub_domain', 255);
    table.string('salesforce_state', 32).notNullable();
    table.string('salesforce_environment', 16);
    table.string('salesforce_login_url', 512);
    table.string('salesforce_instance_url', 512);
    table.string('salesforce_org_id', 18);
    table.string('salesforce_user_id', 18);
    table.string('salesforce_username', 320);
    table.text('salesforce_access_token');
    table.text('salesforce_refresh_token');
    table.text('salesforce_capabilities');
    table.boolean('sync_paused').notNullable().defaultTo(false);
    table.string('pause_reason', 64);
    table.text('last_error');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('installations');
}
