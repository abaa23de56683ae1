import * as links from '../../../src/db/links';
import * as shadows from '../../../src/db/shadows';
import { contactLink, context, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('shadows on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  let linkId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
    const created = await links.create(testDb.db, contactLink(installationId), context(1_000));
    if (!created.ok) throw new Error(created.reason);
    linkId = created.link.id;
  });

  it('stores canonical values of every JSON shape and tells a blank from never synced', async () => {
    await shadows.upsert(
      testDb.db,
      installationId,
      linkId,
      [
        { fieldKey: 'email', value: 'ada@example.com' },
        { fieldKey: 'phone', value: null },
        { fieldKey: 'employees', value: 250 },
        { fieldKey: 'opted_out', value: false },
        { fieldKey: 'interests', value: ['a', 'b'] },
      ],
      2_000,
    );
    const stored = await shadows.forLink(testDb.db, installationId, linkId);
    expect(Object.fromEntries([...stored].map(([key, shadow]) => [key, shadow.value]))).toEqual({
      email: 'ada@example.com',
      phone: null,
      employees: 250,
      opted_out: false,
      interests: ['a', 'b'],
    });
    expect(stored.has('title')).toBe(false);
  });

  it('updates in place with the write, and rolls back with it', async () => {
    await shadows.upsert(
      testDb.db,
      installationId,
      linkId,
      [{ fieldKey: 'email', value: 'old@x.co' }],
      2_000,
    );
    await shadows.upsert(
      testDb.db,
      installationId,
      linkId,
      [{ fieldKey: 'email', value: 'new@x.co' }],
      3_000,
    );
    await expect(
      testDb.db.transaction(async (trx) => {
        await shadows.upsert(trx, installationId, linkId, [{ fieldKey: 'email', value: 'lost@x.co' }], 4_000);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect((await shadows.forLink(testDb.db, installationId, linkId)).get('email')).toEqual({
      linkId,
      fieldKey: 'email',
      value: 'new@x.co',
      syncedAt: 3_000,
    });
  });

  it('reads many links at once, removes fields, and keeps installations apart', async () => {
    const second = await links.create(testDb.db, contactLink(installationId), context(1_000));
    if (!second.ok) throw new Error(second.reason);
    await shadows.upsert(
      testDb.db,
      installationId,
      linkId,
      [
        { fieldKey: 'a', value: 1 },
        { fieldKey: 'b', value: 2 },
      ],
      2_000,
    );
    await shadows.upsert(testDb.db, installationId, second.link.id, [{ fieldKey: 'a', value: 3 }], 2_000);
    await shadows.remove(testDb.db, installationId, linkId, ['b']);
    const both = await shadows.forLinks(testDb.db, installationId, [linkId, second.link.id]);
    expect([...(both.get(linkId)?.keys() ?? [])]).toEqual(['a']);
    expect(both.get(second.link.id)?.get('a')?.value).toBe(3);
    const other = await insertInstallation(testDb.db);
    expect((await shadows.forLink(testDb.db, other, linkId)).size).toBe(0);
  });

  it('refuses a value that is not JSON-representable and an empty field key', async () => {
    await expect(
      shadows.upsert(testDb.db, installationId, linkId, [{ fieldKey: 'x', value: undefined as never }], 1),
    ).rejects.toThrow(/shadows.upsert/);
    await expect(
      shadows.upsert(testDb.db, installationId, linkId, [{ fieldKey: '', value: 1 }], 1),
    ).rejects.toThrow(/shadows.upsert/);
  });
});
