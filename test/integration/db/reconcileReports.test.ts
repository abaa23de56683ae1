import * as reports from '../../../src/db/reconcileReports';
import { emptyCounts } from '../../../src/domain/reconcile';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('reconcile_reports on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  it('takes a requested run once, saves its progress, and never moves a finished report', async () => {
    const requested = await reports.create(
      testDb.db,
      { installationId, trigger: 'on_demand', requestedBy: 'hubspot-user:7', state: 'requested' },
      1_000,
    );
    expect(requested).toMatchObject({ state: 'requested', startedAt: null, counts: emptyCounts() });
    expect((await reports.listRequested(testDb.db)).map((report) => report.id)).toContain(requested.id);
    expect(await reports.start(testDb.db, requested.id, 2_000)).toBe(true);
    expect(await reports.start(testDb.db, requested.id, 2_001)).toBe(false);

    const counts = { ...emptyCounts(), salesforce_changed: 3 };
    await reports.progress(testDb.db, requested.id, counts, { hubspot: 4, salesforce: 2 });
    await reports.finish(testDb.db, requested.id, { state: 'completed' }, 3_000);
    await reports.finish(testDb.db, requested.id, { state: 'failed', message: 'late' }, 4_000);
    expect(await reports.findById(testDb.db, installationId, requested.id)).toMatchObject({
      state: 'completed',
      counts,
      calls: { hubspot: 4, salesforce: 2 },
      message: null,
      startedAt: 2_000,
      finishedAt: 3_000,
    });
    expect(await reports.lastStartedAt(testDb.db, installationId)).toBe(2_000);
  });

  it('marks a run whose process died as failed', async () => {
    const running = await reports.create(
      testDb.db,
      { installationId, trigger: 'scheduled', requestedBy: null, state: 'running' },
      1_000,
    );
    expect(await reports.failAbandoned(testDb.db, installationId, 5_000)).toBe(1);
    expect(await reports.findById(testDb.db, installationId, running.id)).toMatchObject({
      state: 'failed',
      finishedAt: 5_000,
      message: expect.stringContaining('interrupted'),
    });
  });

  it(`keeps the newest ${reports.KEEP_PER_INSTALLATION} reports of an installation, newest first`, async () => {
    const other = await insertInstallation(testDb.db);
    await reports.create(
      testDb.db,
      { installationId: other, trigger: 'scheduled', requestedBy: null, state: 'running' },
      1,
    );
    for (let index = 0; index < reports.KEEP_PER_INSTALLATION + 5; index += 1) {
      await reports.create(
        testDb.db,
        { installationId, trigger: 'scheduled', requestedBy: null, state: 'running' },
        10_000 + index,
      );
    }
    const kept = await reports.listRecent(testDb.db, installationId, 100);
    expect(kept).toHaveLength(reports.KEEP_PER_INSTALLATION);
    expect(kept[0]?.requestedAt).toBe(10_000 + reports.KEEP_PER_INSTALLATION + 4);
    expect(kept.at(-1)?.requestedAt).toBe(10_005);
    expect(await reports.listRecent(testDb.db, other)).toHaveLength(1);
  });
});
