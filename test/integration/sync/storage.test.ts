/**
 * What the sync worker added to the storage layer, on both databases: a merge into a survivor that has no
 * link yet, deferring claims without counting attempts, the batch reads of conflicts and answered questions,
 * and the health counters.
 */
import * as conflicts from '../../../src/db/conflicts';
import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import * as linkLifecycle from '../../../src/db/linkLifecycle';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import { claimBatch } from '../../../src/queue/claim';
import { deferClaims } from '../../../src/queue/defer';
import {
  contactLink,
  context,
  hubspotContact,
  hubspotId,
  insertInstallation,
  salesforceContact,
  salesforceId,
} from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('sync storage on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  it('moves a link to a new link with the merge survivor, atomically', async () => {
    const created = await links.create(testDb.db, contactLink(installationId), context(1000));
    if (!created.ok) throw new Error(created.reason);
    const survivorId = hubspotId();
    const moved = await linkLifecycle.mergeIntoNewLink(
      testDb.db,
      installationId,
      created.link.id,
      { side: 'hubspot', id: survivorId },
      context(2000, 'merged in HubSpot'),
    );
    if (!moved.ok) throw new Error(moved.reason);
    expect(moved.merged).toMatchObject({ state: 'merged', mergedIntoLinkId: moved.survivor.id });
    expect(moved.survivor).toMatchObject({
      state: 'active',
      origin: 'merged',
      hubspotId: survivorId,
      salesforceId: created.link.salesforceId,
    });
    // A survivor already linked elsewhere is refused, and nothing changes.
    const other = await links.create(testDb.db, contactLink(installationId), context(3000));
    if (!other.ok) throw new Error(other.reason);
    const refused = await linkLifecycle.mergeIntoNewLink(
      testDb.db,
      installationId,
      other.link.id,
      { side: 'hubspot', id: survivorId },
      context(4000),
    );
    expect(refused).toMatchObject({ ok: false, code: 'active_link_exists' });
    expect(await links.findById(testDb.db, installationId, other.link.id)).toMatchObject({ state: 'active' });
  });

  it('defers claims without counting the attempt, and only claims it still holds', async () => {
    await dirty.mark(testDb.db, { installationId, record: hubspotContact(), source: 'webhook' }, 1000);
    const [claim] = await claimBatch(testDb.db, {
      workerId: 'w',
      now: 1000,
      maxBatchSize: 10,
      leaseMs: 60_000,
      maxAttempts: 8,
    });
    if (!claim) throw new Error('nothing claimed');
    expect(claim.attempts).toBe(1);
    expect(
      await deferClaims(testDb.db, [claim], 99_000, { code: 'budget_exhausted', message: 'spent' }),
    ).toBe(1);
    expect(await dirty.findById(testDb.db, claim.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 99_000,
      lastErrorCode: 'budget_exhausted',
    });
    expect(await deferClaims(testDb.db, [claim], 5, { code: 'x', message: 'x' })).toBe(0);
  });

  it('reads conflicts of many links, answered questions, and the health counters', async () => {
    const created = await links.create(testDb.db, contactLink(installationId), context(1000));
    if (!created.ok) throw new Error(created.reason);
    await links.markSynced(testDb.db, installationId, [created.link.id], 5000);
    const open = await conflicts.open(
      testDb.db,
      {
        installationId,
        linkId: created.link.id,
        fieldKey: 'jobtitle',
        hubspotValue: 'A',
        salesforceValue: 'B',
      },
      1000,
    );
    await conflicts.open(
      testDb.db,
      { installationId, linkId: created.link.id, fieldKey: 'city', hubspotValue: 'X', salesforceValue: 'Y' },
      1000,
    );
    await conflicts.resolve(
      testDb.db,
      installationId,
      open.id,
      { resolution: 'hubspot', resolvedBy: 'u', value: 'A' },
      2000,
    );
    const listed = await conflicts.listForLinks(testDb.db, installationId, [created.link.id], ['resolved']);
    expect(listed.map((conflict) => conflict.fieldKey)).toEqual(['jobtitle']);

    const subject = hubspotContact();
    const question = await pendingMatches.open(
      testDb.db,
      {
        installationId,
        record: subject,
        candidates: [
          { record: salesforceContact(salesforceId('003')), matchedBy: 'email' },
          { record: salesforceContact(salesforceId('003')), matchedBy: 'email' },
        ],
        reason: 'ambiguous',
      },
      1000,
    );
    expect(await pendingMatches.countOpen(testDb.db, installationId)).toBe(1);
    await pendingMatches.resolve(
      testDb.db,
      installationId,
      question.id,
      { choice: { kind: 'skip' }, resolvedBy: 'u' },
      2000,
    );
    expect(await pendingMatches.findLatestResolved(testDb.db, installationId, subject)).toMatchObject({
      choice: { kind: 'skip' },
    });

    await failures.record(
      testDb.db,
      {
        installationId,
        record: hubspotContact(),
        kind: 'quarantine',
        category: 'validation',
        code: 'X',
        message: 'bad',
        attempts: 1,
      },
      1000,
    );
    expect(await failures.countUnresolvedByCategory(testDb.db, installationId)).toEqual({ validation: 1 });
    expect(await links.activeSummary(testDb.db, installationId)).toEqual({ active: 1, lastSyncedAt: 5000 });
  });
});
