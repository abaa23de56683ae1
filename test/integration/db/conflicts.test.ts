import * as conflicts from '../../../src/db/conflicts';
import * as links from '../../../src/db/links';
import { contactLink, context, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('conflicts on %s', (dialect) => {
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

  const amount = (hubspotValue: number, salesforceValue: number) => ({
    installationId,
    linkId,
    fieldKey: 'amount',
    hubspotValue,
    salesforceValue,
    shadowValue: 100,
    hubspotChangedAt: 1_500,
    salesforceChangedAt: 1_600,
  });

  it('opens one conflict per field and refreshes it when the values move again', async () => {
    const opened = await conflicts.open(testDb.db, amount(120, 130), 2_000);
    expect(opened).toMatchObject({
      state: 'open',
      hubspotValue: 120,
      salesforceValue: 130,
      shadowValue: 100,
      openedAt: 2_000,
    });
    const refreshed = await conflicts.open(testDb.db, amount(125, 130), 3_000);
    expect(refreshed).toMatchObject({ id: opened.id, hubspotValue: 125, openedAt: 2_000, updatedAt: 3_000 });
    expect(await conflicts.countOpen(testDb.db, installationId)).toBe(1);
  });

  it('tells a never-synced field (no shadow) from a blank shadow', async () => {
    const never = await conflicts.open(
      testDb.db,
      { installationId, linkId, fieldKey: 'title', hubspotValue: 'CEO', salesforceValue: 'CTO' },
      2_000,
    );
    const blank = await conflicts.open(
      testDb.db,
      {
        installationId,
        linkId,
        fieldKey: 'phone',
        hubspotValue: '+1',
        salesforceValue: '+2',
        shadowValue: null,
      },
      2_000,
    );
    expect((await conflicts.findById(testDb.db, installationId, never.id))?.shadowValue).toBeUndefined();
    expect((await conflicts.findById(testDb.db, installationId, blank.id))?.shadowValue).toBeNull();
  });

  it('resolves once, with who and which value; a second resolution finds nothing open', async () => {
    const opened = await conflicts.open(testDb.db, amount(120, 130), 2_000);
    const resolved = await conflicts.resolve(
      testDb.db,
      installationId,
      opened.id,
      { resolution: 'salesforce', value: 130, resolvedBy: 'hubspot-user:9' },
      3_000,
    );
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolution: 'salesforce',
      resolvedValue: 130,
      resolvedBy: 'hubspot-user:9',
      resolvedAt: 3_000,
    });
    expect(
      await conflicts.resolve(
        testDb.db,
        installationId,
        opened.id,
        { resolution: 'hubspot', value: 120, resolvedBy: 'x' },
        4_000,
      ),
    ).toBeNull();
    expect(await conflicts.listOpen(testDb.db, installationId)).toEqual([]);
    // A new disagreement on the same field is a new conflict.
    expect((await conflicts.open(testDb.db, amount(140, 150), 5_000)).id).not.toBe(opened.id);
  });

  it('dismisses a moot conflict, lists per link, and keeps installations apart', async () => {
    const opened = await conflicts.open(testDb.db, amount(120, 130), 2_000);
    expect(await conflicts.listOpen(testDb.db, installationId, { linkId })).toHaveLength(1);
    const other = await insertInstallation(testDb.db);
    expect(
      await conflicts.resolve(testDb.db, other, opened.id, { resolution: 'moot', resolvedBy: 'x' }, 3_000),
    ).toBeNull();
    expect(
      await conflicts.resolve(
        testDb.db,
        installationId,
        opened.id,
        { resolution: 'moot', resolvedBy: 'bridge' },
        3_000,
      ),
    ).toMatchObject({ state: 'dismissed', resolvedValue: undefined });
  });
});
