import { z } from 'zod';
import * as settings from '../../../src/db/settings';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

// Stands in for the settings domain's parser: it checks and upgrades what it reads.
const DocumentSchema = z.object({ schemaVersion: z.literal(1), pollIntervalMs: z.number().int().positive() });
const parseDocument = (raw: unknown) => DocumentSchema.parse(raw);

describe.each(testDialects)('settings on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  it('has none until the first save, then the highest version is current', async () => {
    expect(await settings.current(testDb.db, installationId, parseDocument)).toBeNull();
    expect(
      await settings.save(
        testDb.db,
        installationId,
        { document: { schemaVersion: 1, pollIntervalMs: 60_000 }, createdBy: 'admin@a.co', baseVersion: 0 },
        1_000,
      ),
    ).toEqual({ ok: true, version: 1 });
    expect(
      await settings.save(
        testDb.db,
        installationId,
        { document: { schemaVersion: 1, pollIntervalMs: 30_000 }, createdBy: 'ops@a.co', baseVersion: 1 },
        2_000,
      ),
    ).toEqual({ ok: true, version: 2 });
    expect(await settings.current(testDb.db, installationId, parseDocument)).toEqual({
      installationId,
      version: 2,
      document: { schemaVersion: 1, pollIntervalMs: 30_000 },
      createdBy: 'ops@a.co',
      createdAt: 2_000,
    });
    // Saving never rewrites an older version.
    expect(
      (await settings.getVersion(testDb.db, installationId, 1, parseDocument))?.document.pollIntervalMs,
    ).toBe(60_000);
    expect(await settings.history(testDb.db, installationId)).toEqual([
      { version: 2, createdBy: 'ops@a.co', createdAt: 2_000 },
      { version: 1, createdBy: 'admin@a.co', createdAt: 1_000 },
    ]);
  });

  it('refuses a save based on a version that is no longer current', async () => {
    await settings.save(
      testDb.db,
      installationId,
      { document: { schemaVersion: 1, pollIntervalMs: 1 }, createdBy: 'a', baseVersion: 0 },
      1_000,
    );
    const stale = await settings.save(
      testDb.db,
      installationId,
      { document: { schemaVersion: 1, pollIntervalMs: 2 }, createdBy: 'b', baseVersion: 0 },
      2_000,
    );
    expect(stale).toEqual({ ok: false, code: 'stale_base', currentVersion: 1 });
    expect((await settings.current(testDb.db, installationId, parseDocument))?.document.pollIntervalMs).toBe(
      1,
    );
  });

  it('lets exactly one of two concurrent saves from the same base win', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        settings.save(
          testDb.db,
          installationId,
          { document: { schemaVersion: 1, pollIntervalMs: n }, createdBy: `admin-${n}`, baseVersion: 0 },
          1_000,
        ),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([
      { ok: false, code: 'stale_base', currentVersion: 1 },
      { ok: false, code: 'stale_base', currentVersion: 1 },
    ]);
  });

  it('checks the document when it is read back, and keeps installations apart', async () => {
    await testDb.db('settings').insert({
      installation_id: installationId,
      version: 1,
      document: '{"schemaVersion":1,"pollIntervalMs":-5}',
      created_by: 'x',
      created_at: 1,
    });
    await expect(settings.current(testDb.db, installationId, parseDocument)).rejects.toThrow();
    await testDb.db('settings').insert({
      installation_id: installationId,
      version: 2,
      document: 'not json',
      created_by: 'x',
      created_at: 2,
    });
    await expect(settings.current(testDb.db, installationId, parseDocument)).rejects.toThrow(
      /settings.document \(v2\): not JSON/,
    );
    const other = await insertInstallation(testDb.db);
    expect(await settings.current(testDb.db, other, parseDocument)).toBeNull();
  });
});
