import * as associationWaits from '../../../src/db/associationWaits';
import * as dirty from '../../../src/db/dirty';
import * as links from '../../../src/db/links';
import { context, insertInstallation, salesforceId } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('association_waits on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const contact = {
    side: 'salesforce' as const,
    objectType: 'Contact' as const,
    recordId: salesforceId('003'),
  };

  it('wakes a wait recorded after its Account was linked (the link made while the wait was recorded)', async () => {
    const accountId = salesforceId('001');
    const unlinkedAccount = salesforceId('001');
    // The other sync links the Account, and wakes what waits for it: nothing yet.
    const created = await links.create(
      testDb.db,
      {
        installationId,
        hubspotObjectType: 'companies',
        hubspotId: '7001',
        salesforceObjectType: 'Account',
        salesforceId: accountId,
        origin: 'matched',
      },
      context(1_000),
    );
    expect(created.ok).toBe(true);
    expect(
      await associationWaits.wake(
        testDb.db,
        installationId,
        [{ side: 'salesforce', recordId: accountId }],
        1_000,
      ),
    ).toBe(0);
    // This sync read the links before that, and records its waits once its transaction commits.
    const waits = [
      { waiting: contact, forSide: 'salesforce' as const, forRecordId: accountId },
      { waiting: contact, forSide: 'salesforce' as const, forRecordId: unlinkedAccount },
    ];
    await associationWaits.record(testDb.db, installationId, waits, 1_001);

    const targets = waits.map((wait) => ({ side: wait.forSide, recordId: wait.forRecordId }));
    expect(await associationWaits.wakeLinked(testDb.db, installationId, targets, 1_002)).toBe(1);
    expect(await dirty.findByRecord(testDb.db, installationId, contact)).toMatchObject({
      state: 'pending',
      source: 'dependency',
    });
    // The wait for the linked Account is gone; the one for the Account not linked yet stays.
    expect(await associationWaits.waitingFor(testDb.db, installationId, contact)).toEqual([
      { side: 'salesforce', recordId: unlinkedAccount },
    ]);
    expect(await associationWaits.wakeLinked(testDb.db, installationId, targets, 1_003)).toBe(0);
  });
});
