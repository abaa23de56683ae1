import * as linkLifecycle from '../../../src/db/linkLifecycle';
import * as links from '../../../src/db/links';
import { countActiveLinks, sampleLinks } from '../../../src/sync/settingsDryRun/sample';
import { contactLink, context, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('the settings preview sample on %s', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());

  async function link(installationId: string, createdAt: number, lastSyncedAt: number | null) {
    const created = await links.create(testDb.db, contactLink(installationId), context(createdAt));
    if (!created.ok) throw new Error(created.reason);
    if (lastSyncedAt !== null)
      await links.markSynced(testDb.db, installationId, [created.link.id], lastSyncedAt);
    return created.link.id;
  }

  it('takes active links, most recently synced first, never-synced last, in a stable order', async () => {
    const installationId = await insertInstallation(testDb.db);
    const other = await insertInstallation(testDb.db);
    const neverOld = await link(installationId, 1_000, null);
    const old = await link(installationId, 2_000, 5_000);
    const newest = await link(installationId, 3_000, 9_000);
    const neverNew = await link(installationId, 4_000, null);
    const middle = await link(installationId, 5_000, 7_000);
    const tombstoned = await link(installationId, 6_000, 9_500);
    await linkLifecycle.change(
      testDb.db,
      installationId,
      tombstoned,
      { kind: 'tombstone', deletedSide: 'hubspot' },
      context(9_600),
    );
    await link(other, 7_000, 10_000);

    const sample = await sampleLinks(testDb.db, installationId, 10);
    expect(sample.map((entry) => entry.id)).toEqual([newest, middle, old, neverNew, neverOld]);
    expect((await sampleLinks(testDb.db, installationId, 10)).map((entry) => entry.id)).toEqual(
      sample.map((entry) => entry.id),
    );
    expect((await sampleLinks(testDb.db, installationId, 2)).map((entry) => entry.id)).toEqual([
      newest,
      middle,
    ]);
    expect(await countActiveLinks(testDb.db, installationId)).toBe(5);
    expect(await countActiveLinks(testDb.db, other)).toBe(1);
  });
});
