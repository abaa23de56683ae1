import * as failures from '../../../src/db/failures';
import { hubspotContact, insertInstallation, salesforceContact } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('failures on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const requiredMissing = (record = salesforceContact()) => ({
    installationId,
    record,
    kind: 'quarantine' as const,
    category: 'required_field_missing',
    code: 'REQUIRED_FIELD_MISSING',
    message: 'Salesforce needs a last name for this Contact: add one in HubSpot.',
    details: { fields: ['LastName'] },
    attempts: 1,
  });

  it('keeps one unresolved failure per record: failing again updates it', async () => {
    const record = salesforceContact();
    const first = await failures.record(testDb.db, requiredMissing(record), 1_000);
    const second = await failures.record(
      testDb.db,
      {
        ...requiredMissing(record),
        kind: 'dead_letter',
        category: 'transient',
        code: 'HTTP_503',
        message: 'Salesforce was unavailable.',
        attempts: 8,
        details: {},
      },
      2_000,
    );
    expect(second).toMatchObject({
      id: first.id,
      kind: 'dead_letter',
      code: 'HTTP_503',
      attempts: 8,
      firstFailedAt: 1_000,
      lastFailedAt: 2_000,
      state: 'open',
    });
    expect(await failures.list(testDb.db, installationId)).toHaveLength(1);
  });

  it('retry → resolved when the sync succeeds; a later failure opens a new one', async () => {
    const record = hubspotContact();
    const failure = await failures.record(testDb.db, requiredMissing(record), 1_000);
    expect(await failures.startRetry(testDb.db, installationId, failure.id, 1_500)).toMatchObject({
      state: 'retrying',
    });
    expect(await failures.startRetry(testDb.db, installationId, failure.id, 1_600)).toBeNull();
    expect(await failures.countUnresolved(testDb.db, installationId)).toBe(1);
    expect(
      await failures.resolveForRecord(testDb.db, installationId, record, {
        resolvedBy: 'bridge',
        now: 2_000,
      }),
    ).toBe(true);
    expect(await failures.findUnresolved(testDb.db, installationId, record)).toBeNull();
    expect(await failures.findById(testDb.db, installationId, failure.id)).toMatchObject({
      state: 'resolved',
      resolvedBy: 'bridge',
      resolvedAt: 2_000,
    });

    const again = await failures.record(testDb.db, requiredMissing(record), 3_000);
    expect(again.id).not.toBe(failure.id);
    expect(await failures.list(testDb.db, installationId, { states: ['open'] })).toEqual([again]);
  });

  it('a retried record that fails again is open again', async () => {
    const failure = await failures.record(testDb.db, requiredMissing(), 1_000);
    await failures.startRetry(testDb.db, installationId, failure.id, 1_500);
    expect(await failures.record(testDb.db, requiredMissing(failure.record), 2_000)).toMatchObject({
      id: failure.id,
      state: 'open',
    });
  });

  it('dismisses, and never shows one installation the failures of another', async () => {
    const failure = await failures.record(testDb.db, requiredMissing(), 1_000);
    const other = await insertInstallation(testDb.db);
    expect(await failures.findById(testDb.db, other, failure.id)).toBeNull();
    expect(await failures.dismiss(testDb.db, other, failure.id, { resolvedBy: 'x', now: 2_000 })).toBeNull();
    expect(
      await failures.dismiss(testDb.db, installationId, failure.id, {
        resolvedBy: 'hubspot-user:7',
        now: 2_000,
      }),
    ).toMatchObject({ state: 'resolved', resolvedBy: 'hubspot-user:7' });
  });

  it('refuses a failure without a usable category or message', async () => {
    await expect(
      failures.record(testDb.db, { ...requiredMissing(), category: 'Not Snake' }, 1),
    ).rejects.toThrow(/category/);
    await expect(failures.record(testDb.db, { ...requiredMissing(), message: '' }, 1)).rejects.toThrow(
      /message/,
    );
  });
});
