import { migrations } from '../../migrations';
import { migrateDownAll, migrateLatest, migrationStatus } from '../../src/db/migrate';
import { createTestDb, testDialects, type TestDb } from '../support/db';

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

  it('names migrations with a timestamp and lists them in order', () => {
    const names = migrations.map((migration) => migration.name);
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect([...names].sort()).toEqual(names);
  });
});
