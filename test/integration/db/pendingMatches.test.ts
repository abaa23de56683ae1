import * as pendingMatches from '../../../src/db/pendingMatches';
import { hubspotContact, insertInstallation, salesforceContact, salesforceId } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('pending matches on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const twoContacts = () => [
    { record: salesforceContact(), matchedBy: 'email', label: 'Ada Lovelace (ada@x.co)' },
    { record: salesforceContact(), matchedBy: 'email', label: 'A. Lovelace (ada@x.co)' },
  ];

  it('parks a record with its candidates and refreshes them while open', async () => {
    const record = hubspotContact();
    const opened = await pendingMatches.open(
      testDb.db,
      {
        installationId,
        record,
        candidates: twoContacts(),
        reason: 'two Salesforce Contacts have this email',
      },
      1_000,
    );
    expect(opened).toMatchObject({
      state: 'open',
      record,
      candidates: [{ matchedBy: 'email' }, { matchedBy: 'email' }],
    });
    const refreshed = await pendingMatches.open(
      testDb.db,
      {
        installationId,
        record,
        candidates: [
          ...twoContacts(),
          {
            record: { side: 'salesforce', objectType: 'Lead', recordId: salesforceId('00Q') },
            matchedBy: 'email',
          },
        ],
        reason: 'three candidates',
      },
      2_000,
    );
    expect(refreshed).toMatchObject({ id: opened.id, reason: 'three candidates' });
    expect(refreshed.candidates).toHaveLength(3);
    expect((await pendingMatches.findOpen(testDb.db, installationId, record))?.candidates[2]?.label).toBe('');
  });

  it('accepts only a listed candidate, or a new record, once', async () => {
    const candidates = twoContacts();
    const opened = await pendingMatches.open(
      testDb.db,
      { installationId, record: hubspotContact(), candidates, reason: 'ambiguous' },
      1_000,
    );
    const stranger = await pendingMatches.resolve(
      testDb.db,
      installationId,
      opened.id,
      { choice: { kind: 'link', record: salesforceContact() }, resolvedBy: 'u' },
      2_000,
    );
    expect(stranger).toMatchObject({ ok: false, code: 'not_a_candidate' });
    const picked = await pendingMatches.resolve(
      testDb.db,
      installationId,
      opened.id,
      {
        choice: {
          kind: 'link',
          record: { ...candidates[1]!.record, recordId: candidates[1]!.record.recordId.toLowerCase() },
        },
        resolvedBy: 'hubspot-user:3',
      },
      2_000,
    );
    expect(picked).toMatchObject({
      ok: true,
      match: { state: 'resolved', resolvedBy: 'hubspot-user:3', choice: { kind: 'link' } },
    });
    expect(
      await pendingMatches.resolve(
        testDb.db,
        installationId,
        opened.id,
        { choice: { kind: 'create_new' }, resolvedBy: 'u' },
        3_000,
      ),
    ).toMatchObject({ ok: false, code: 'not_open' });
    expect(await pendingMatches.listOpen(testDb.db, installationId)).toEqual([]);
  });

  it('needs two candidates (or one linked elsewhere), dismisses when moot, and keeps installations apart', async () => {
    await expect(
      pendingMatches.open(
        testDb.db,
        { installationId, record: hubspotContact(), candidates: twoContacts().slice(1), reason: 'x' },
        1,
      ),
    ).rejects.toThrow(/at least two/);
    // One candidate is a question when it is linked to another record already: a possible duplicate.
    const duplicate = await pendingMatches.open(
      testDb.db,
      {
        installationId,
        record: hubspotContact(),
        candidates: twoContacts().slice(1),
        reason: 'linked_elsewhere',
      },
      1,
    );
    expect(duplicate).toMatchObject({
      state: 'open',
      reason: 'linked_elsewhere',
      candidates: [expect.anything()],
    });
    const record = hubspotContact();
    const opened = await pendingMatches.open(
      testDb.db,
      { installationId, record, candidates: twoContacts(), reason: 'x' },
      1_000,
    );
    const other = await insertInstallation(testDb.db);
    expect(await pendingMatches.findById(testDb.db, other, opened.id)).toBeNull();
    expect(
      await pendingMatches.dismissForRecord(testDb.db, installationId, record, {
        resolvedBy: 'bridge',
        now: 2_000,
      }),
    ).toBe(true);
    expect(await pendingMatches.findById(testDb.db, installationId, opened.id)).toMatchObject({
      state: 'dismissed',
    });
  });
});
