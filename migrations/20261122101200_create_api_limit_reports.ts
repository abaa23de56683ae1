import type { Knex } from 'knex';

// The newest usage figure a provider reported about itself (Salesforce's `Sforce-Limit-Info:
// api-usage=used/limit`), which counts every integration in the org, not only ours.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_limit_reports', (table) => {
    table
      .string('installation_id', 36)
      .notNullable()
      .references('id')
      .inTable('installations')
      .onDelete('CASCADE');
    table.string('provider', 16).notNullable();
    table.bigInteger('used').notNullable();
    table.bigInteger('limit').notNullable();
    table.bigInteger('observed_at').notNullable();
    table.primary(['installation_id', 'provider']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_limit_reports');
}
