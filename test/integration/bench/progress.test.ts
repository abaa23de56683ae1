import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import { readProgress, waitUntilSettled } from '../../bench/progress';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import {
  context,
  contactLink,
  hubspotContact,
  insertInstallation,
  salesforceContact,
  salesforceId,
} from '../../factories/storage';

describe.each(testDialects)('the benchmarks read sync progress from the database on %s', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());

  it('counts active links, queued records, open failures by category and pending matches of one installation', async () => {
    const { db } = testDb;
    const installationId = await insertInstallation(db);
    const other = await insertInstallation(db);
    await links.create(db, contactLink(installationId), context(1_000));
    await links.create(db, contactLink(installationId), context(2_000));
    await links.create(db, contactLink(other), context(9_000));
    const ended = await links.create(db, contactLink(installationId), context(3_000));
    if (!ended.ok) throw new Error('link not created');
    await db(links.LINKS).where({ id: ended.link.id }).update({ state: 'tombstoned' });
    await links.markSynced(db, installationId, [ended.link.id], 5_000);
    await dirty.mark(db, { installationId, record: hubspotContact(), source: 'poll' }, 4_000);
    await dirty.mark(db, { installationId: other, record: hubspotContact(), source: 'poll' }, 4_000);
    for (const code of ['REQUIRED_FIELD_MISSING', 'REQUIRED_FIELD_MISSING', 'DUPLICATE_VALUE']) {
      await failures.record(
        db,
        {
          installationId,
          linkId: null,
          record: hubspotContact(),
          kind: 'quarantine',
          category: code === 'DUPLICATE_VALUE' ? 'duplicate' : 'validation',
          code,
          message: 'Fix the record in HubSpot.',
          attempts: 1,
        },
        4_500,
      );
    }
    await pendingMatches.open(
      db,
      {
        installationId,
        record: hubspotContact(),
        candidates: [
          { record: salesforceContact(), matchedBy: 'email', label: 'A' },
          {
            record: { side: 'salesforce', objectType: 'Lead', recordId: salesforceId('00Q') },
            matchedBy: 'email',
            label: 'B',
          },
        ],
        reason: 'two people share this email',
      },
      4_600,
    );

    expect(await readProgress(db, installationId)).toEqual({
      activeLinks: 2,
      queued: 1,
      waiting: 0,
      openFailures: 3,
      failuresByCategory: { validation: 2, duplicate: 1 },
      openPendingMatches: 1,
      lastLinkActivityAt: 5_000,
    });
  });

  it('settles once the queue is empty and nothing moves, or reports that it did not', async () => {
    const { db } = testDb;
    const installationId = await insertInstallation(db);
    await links.create(db, contactLink(installationId), context(1_000));
    const settled = await waitUntilSettled(db, installationId, { quietMs: 50, timeoutMs: 5_000, pollMs: 10 });
    expect(settled.settled).toBe(true);
    expect(settled.progress.activeLinks).toBe(1);

    await dirty.mark(db, { installationId, record: hubspotContact(), source: 'webhook' }, 2_000);
    const busy = await waitUntilSettled(db, installationId, { quietMs: 50, timeoutMs: 200, pollMs: 10 });
    expect(busy.settled).toBe(false);
    expect(busy.progress.queued).toBe(1);

    // A record waiting for a later retry is not work the bridge can do now: the sync has settled.
    await db(dirty.DIRTY)
      .where({ installation_id: installationId })
      .update({ next_attempt_at: Date.now() + 60_000, attempts: 1 });
    const waiting = await waitUntilSettled(db, installationId, { quietMs: 50, timeoutMs: 5_000, pollMs: 10 });
    expect(waiting.settled).toBe(true);
    expect(waiting.progress).toMatchObject({ queued: 0, waiting: 1 });

    const notDone = await waitUntilSettled(db, await insertInstallation(db), {
      quietMs: 20,
      timeoutMs: 200,
      pollMs: 10,
      done: (progress) => progress.activeLinks > 0,
    });
    expect(notDone.settled).toBe(false);
  });
});
