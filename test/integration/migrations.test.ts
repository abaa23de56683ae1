import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations';
import { migrateDownAll, migrateLatest, migrationStatus } from '../../src/db/migrate';
import { effectiveSettings } from '../../src/settings/installationSettings';
import { createTestDb, testDialects, type TestDb } from '../support/db';
import { insertInstallation } from '../factories/storage';

/** Knex's migrator over the list, stopping before `name` (to set up what that migration finds). */
function migratorUpTo(name: string): Knex.MigratorConfig {
  const before = migrations.slice(
    0,
    migrations.findIndex((migration) => migration.name === name),
  );
  return {
    tableName: 'knex_migrations',
    migrationSource: {
      getMigrations: async () => before,
      getMigrationName: (migration: Migration) => migration.name,
      getMigration: async (migration: Migration) => migration,
    },
  };
}

async function tableNames(testDb: TestDb): Promise<string[]> {
  if (testDb.dialect === 'postgres') {
    const result = await testDb.db.raw<{ rows: Array<{ tablename: string }> }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    return result.rows.map((row) => row.tablename).sort();
  }
  const rows = await testDb.db.raw<Array<{ name: string }>>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  return rows.map((row) => row.name).sort();
}

describe.each(testDialects)('migrations on %s', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(dialect, { migrate: false });
  });
  afterAll(async () => testDb.destroy());

  it('apply up, then down, then up again', async () => {
    const names = migrations.map((migration) => migration.name);
    expect(await migrateLatest(testDb.db)).toEqual(names);
    const tablesAfterFirstUp = await tableNames(testDb);
    expect(tablesAfterFirstUp).toEqual(expect.arrayContaining(['installations', 'oauth_states']));

    expect(await migrateDownAll(testDb.db)).toEqual([...names].reverse());
    expect((await tableNames(testDb)).filter((name) => !name.startsWith('knex_migrations'))).toEqual([]);

    expect(await migrateLatest(testDb.db)).toEqual(names);
    expect(await tableNames(testDb)).toEqual(tablesAfterFirstUp);
    expect(await migrationStatus(testDb.db)).toEqual({ applied: names, pending: [] });
  });

  it('keeps companies and deals off for an installation that never saved settings; a new one has them on', async () => {
    await migrateDownAll(testDb.db);
    await testDb.db.migrate.latest(migratorUpTo('20261214100000_keep_objects_of_unsaved_settings'));
    const unsaved = await insertInstallation(testDb.db);
    const saved = await insertInstallation(testDb.db);
    await testDb.db('settings').insert({
      installation_id: saved,
      version: 1,
      document: JSON.stringify({ schemaVersion: 1, objects: { contacts: { enabled: true } } }),
      created_by: 'Ana Admin',
      created_at: 1,
    });

    await migrateLatest(testDb.db);

    const kept = await effectiveSettings(testDb.db, unsaved);
    expect(kept.version).toBe(1);
    expect(kept.settings.objects.contacts.enabled).toBe(true);
    expect(kept.settings.objects.companies.enabled).toBe(false);
    expect(kept.settings.objects.deals.enabled).toBe(false);
    expect(kept.settings.objects.companies.fields.length).toBeGreaterThan(0);
    const rows = await testDb.db('settings').where({ installation_id: saved });
    expect(rows).toHaveLength(1);
    expect(rows[0].created_by).toBe('Ana Admin');

    const fresh = await effectiveSettings(testDb.db, await insertInstallation(testDb.db));
    expect(fresh.version).toBe(0);
    expect(fresh.settings.objects.companies.enabled).toBe(true);
    expect(fresh.settings.objects.deals.enabled).toBe(true);

    await migrateDownAll(testDb.db);
    await migrateLatest(testDb.db);
  });

  it('names migrations with a timestamp and lists them in order', () => {
    const names = migrations.map((migration) => migration.name);
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect([...names].sort()).toEqual(names);
  });
});
