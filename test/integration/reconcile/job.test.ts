/**
 * Reconciliation's schedule against a real database: when a scheduled run is due, that a requested run is
 * taken once, and that the installation's lease keeps a second process out. The clients refuse (no systems
 * here), so each run ends `failed` with the reason: what is tested is which runs start.
 */
import * as reports from '../../../src/db/reconcileReports';
import * as scheduleLeases from '../../../src/db/scheduleLeases';
import { err } from '../../../src/domain/result';
import { reconcileDue, reconcileLeaseName, requestReconciliation } from '../../../src/reconcile/job';
import type { ReconcileDeps } from '../../../src/reconcile/run';
import { OrgMetadataCache } from '../../../src/sync/orgMetadata';
import { insertInstallation } from '../../factories/storage';
import { recordingLogger } from '../../fakes/recordingLogger';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const HOUR = 3_600_000;
const INSTALLED_AT = 1_700_000_000_000;

describe.each(testDialects)('reconciliation schedule on %s', (dialect) => {
  let testDb: TestDb;
  let nowMs: number;
  let deps: ReconcileDeps;

  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    nowMs = INSTALLED_AT;
    deps = {
      db: testDb.db,
      now: () => nowMs,
      logger: recordingLogger(),
      clients: {
        clientsFor: async () =>
          err({ code: 'salesforce_needs_reauth', message: 'Salesforce needs a new login.' }),
      },
      metadata: new OrgMetadataCache({ now: () => nowMs }),
    };
  });
  afterEach(async () => testDb.destroy());

  it('runs an installation first a day after its install, then a day after each run', async () => {
    const installationId = await insertInstallation(testDb.db, { now: INSTALLED_AT });
    nowMs = INSTALLED_AT + 23 * HOUR;
    expect(await reconcileDue(deps, { holder: 'a' })).toEqual([]);
    nowMs = INSTALLED_AT + 24 * HOUR;
    const [first] = await reconcileDue(deps, { holder: 'a' });
    expect(first).toMatchObject({
      installationId,
      trigger: 'scheduled',
      state: 'failed',
      message: 'Salesforce needs a new login.',
    });
    nowMs += HOUR;
    expect(await reconcileDue(deps, { holder: 'a' })).toEqual([]);
    nowMs += 23 * HOUR;
    expect(await reconcileDue(deps, { holder: 'a' })).toHaveLength(1);
  });

  it('takes a requested run at once, once, and not while another process holds the lease', async () => {
    const installationId = await insertInstallation(testDb.db, { now: INSTALLED_AT });
    const asked = await requestReconciliation(testDb.db, installationId, { userId: '7', email: null }, nowMs);
    expect(asked.alreadyPending).toBe(false);
    expect(
      (await requestReconciliation(testDb.db, installationId, { userId: '8', email: null }, nowMs)).report.id,
    ).toBe(asked.report.id);
    // Another process runs this installation now.
    expect(
      await scheduleLeases.tryAcquire(testDb.db, {
        name: reconcileLeaseName(installationId),
        installationId,
        holder: 'b',
        now: nowMs,
        leaseMs: 60_000,
      }),
    ).toBe(true);
    expect(await reconcileDue(deps, { holder: 'a' })).toEqual([]);
    await scheduleLeases.release(testDb.db, {
      name: reconcileLeaseName(installationId),
      holder: 'b',
      now: nowMs,
    });

    const [ran] = await reconcileDue(deps, { holder: 'a' });
    expect(ran).toMatchObject({ id: asked.report.id, trigger: 'on_demand', requestedBy: 'hubspot-user:7' });
    expect(await reconcileDue(deps, { holder: 'a' })).toEqual([]);
    const lines = await testDb.db('audit_entries').where({ action: 'reconciliation_requested' });
    expect(lines).toHaveLength(1);
    expect(await reports.listRecent(testDb.db, installationId)).toHaveLength(1);
  });
});
