/**
 * The dashboard's samples on a real database: one row per installation and minute with what the minute
 * synced, the queue and its oldest change's age, and open failures; a second sampling of the same minute
 * replaces the first (two workers), uninstalled installations are not sampled, and samples past the retention
 * go.
 */
import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as opsSamples from '../../../src/db/opsSamples';
import { silentLogger } from '../../../src/logger';
import { SAMPLE_RETENTION_MS, sampleMinuteOf, takeSamples } from '../../../src/ops/samples';
import { contactLink, context, hubspotContact, insertInstallation } from '../../factories/storage';
import { testClock, type TestClock } from '../../support/bridge-context';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('ops samples on %s', (dialect) => {
  let testDb: TestDb;
  let clock: TestClock;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    clock = testClock(1_800_000_030_000);
  });
  afterEach(async () => testDb.destroy());

  const sample = () => takeSamples({ db: testDb.db, now: clock.now, logger: silentLogger });

  it('samples each installation once a minute: synced, queued, lag and open failures', async () => {
    const busy = await insertInstallation(testDb.db);
    const idle = await insertInstallation(testDb.db);
    const gone = await insertInstallation(testDb.db);
    await testDb
      .db('installations')
      .where({ id: gone })
      .update({ status: 'uninstalled', hubspot_state: 'uninstalled' });

    const created = await links.create(testDb.db, contactLink(busy), context(clock.now()));
    const stale = await links.create(testDb.db, contactLink(busy), context(clock.now()));
    if (!created.ok || !stale.ok) throw new Error('links not created');
    await links.markSynced(testDb.db, busy, [created.link.id], clock.now() - 10_000);
    await links.markSynced(testDb.db, busy, [stale.link.id], clock.now() - 5 * 60_000);
    await dirty.mark(
      testDb.db,
      { installationId: busy, record: hubspotContact(), source: 'webhook' },
      clock.now() - 42_000,
    );
    await dirty.mark(
      testDb.db,
      { installationId: busy, record: hubspotContact(), source: 'poll' },
      clock.now() - 1_000,
    );
    await failures.record(
      testDb.db,
      {
        installationId: busy,
        record: hubspotContact(),
        kind: 'dead_letter',
        category: 'transient',
        code: 'SERVER_UNAVAILABLE',
        message: 'Salesforce was unavailable through every retry.',
        attempts: 8,
      },
      clock.now(),
    );

    await sample();
    const minute = sampleMinuteOf(clock.now());
    expect(await opsSamples.listSince(testDb.db, busy, 0)).toEqual([
      { installationId: busy, sampledAt: minute, synced: 1, queued: 2, oldestAgeMs: 42_000, failuresOpen: 1 },
    ]);
    expect(await opsSamples.listSince(testDb.db, idle, 0)).toEqual([
      { installationId: idle, sampledAt: minute, synced: 0, queued: 0, oldestAgeMs: null, failuresOpen: 0 },
    ]);
    expect(await opsSamples.listSince(testDb.db, gone, 0)).toEqual([]);

    // Another worker samples the same minute a moment later: still one row, with the later reading.
    clock.advance(5_000);
    await sample();
    expect(await opsSamples.listSince(testDb.db, busy, 0)).toEqual([
      expect.objectContaining({ sampledAt: minute, oldestAgeMs: 47_000 }),
    ]);

    clock.advance(60_000);
    await sample();
    expect((await opsSamples.listSince(testDb.db, busy, 0)).map((row) => row.sampledAt)).toEqual([
      minute,
      minute + 60_000,
    ]);
    expect((await opsSamples.listSince(testDb.db, busy, minute + 1)).map((row) => row.sampledAt)).toEqual([
      minute + 60_000,
    ]);
  });

  it('removes samples past the retention', async () => {
    const id = await insertInstallation(testDb.db);
    await sample();
    const first = sampleMinuteOf(clock.now());
    clock.advance(SAMPLE_RETENTION_MS);
    await sample();
    expect((await opsSamples.listSince(testDb.db, id, 0)).map((row) => row.sampledAt)).toEqual([
      first + SAMPLE_RETENTION_MS,
    ]);
  });
});
