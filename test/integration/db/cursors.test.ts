import * as cursors from '../../../src/db/cursors';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('cursors on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const name = 'salesforce:Contact:SystemModstamp';

  it('advances only from where the caller saw it', async () => {
    expect(await cursors.get(testDb.db, installationId, name)).toBeNull();
    expect(
      await cursors.advance(
        testDb.db,
        installationId,
        name,
        { from: null, to: '2026-01-01T00:00:00.000Z' },
        1_000,
      ),
    ).toBe(true);
    expect(
      await cursors.advance(
        testDb.db,
        installationId,
        name,
        { from: null, to: '2026-01-02T00:00:00.000Z' },
        1_100,
      ),
    ).toBe(false);
    expect(
      await cursors.advance(
        testDb.db,
        installationId,
        name,
        { from: '2026-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
        1_200,
      ),
    ).toBe(true);
    expect(
      await cursors.advance(
        testDb.db,
        installationId,
        name,
        { from: '2026-01-01T00:00:00.000Z', to: '2026-01-04T00:00:00.000Z' },
        1_300,
      ),
    ).toBe(false);
    expect(await cursors.get(testDb.db, installationId, name)).toEqual({
      name,
      value: '2026-01-03T00:00:00.000Z',
      updatedAt: 1_200,
      stalls: 0,
      lastStalledAt: null,
    });
  });

  it('counts stalls without moving the cursor', async () => {
    await cursors.set(testDb.db, installationId, name, 'v', 10);
    await cursors.noteStall(testDb.db, installationId, name, 20);
    await cursors.noteStall(testDb.db, installationId, name, 30);
    expect(await cursors.get(testDb.db, installationId, name)).toEqual({
      name,
      value: 'v',
      updatedAt: 10,
      stalls: 2,
      lastStalledAt: 30,
    });
  });

  it('lets exactly one of two pollers advance from the same value', async () => {
    await cursors.set(testDb.db, installationId, name, 'a', 1);
    const results = await Promise.all(
      ['b', 'c'].map((to) => cursors.advance(testDb.db, installationId, name, { from: 'a', to }, 2)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a refused first advance does not break the caller transaction', async () => {
    await cursors.set(testDb.db, installationId, name, 'x', 1);
    await testDb.db.transaction(async (trx) => {
      expect(await cursors.advance(trx, installationId, name, { from: null, to: 'y' }, 2)).toBe(false);
      await cursors.set(trx, installationId, 'other', 'z', 2);
    });
    expect(
      (await cursors.list(testDb.db, installationId)).map((cursor) => `${cursor.name}=${cursor.value}`),
    ).toEqual(['other=z', `${name}=x`]);
    const other = await insertInstallation(testDb.db);
    expect(await cursors.list(testDb.db, other)).toEqual([]);
  });
});
