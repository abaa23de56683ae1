/**
 * The metrics a scrape serves, on a real database: a process's counts reach any other process's scrape
 * through its heartbeat, labelled with the process that counted them, and leave with its row; the queue,
 * open failures and the API budget are read from their tables at scrape time; a database that does not
 * answer still leaves this process's own counts to serve.
 */
import * as apiUsage from '../../../src/db/apiUsage';
import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import { createDb } from '../../../src/db/knex';
import * as processHeartbeats from '../../../src/db/processHeartbeats';
import { PROCESS_ROW_RETENTION_MS, startProcessHeartbeat } from '../../../src/ops/processHeartbeat';
import { renderMetrics } from '../../../src/ops/scrape';
import { SALESFORCE_WINDOW_MS } from '../../../src/budget/budget';
import { hubspotContact, insertInstallation } from '../../factories/storage';
import { testClock, testContext, type TestClock } from '../../support/bridge-context';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { parsePrometheus } from '../../support/prometheus';

describe.each(testDialects)('metrics on %s', (dialect) => {
  let testDb: TestDb;
  let clock: TestClock;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    clock = testClock(1_800_000_000_000);
  });
  afterEach(async () => testDb.destroy());

  it("serves another process's counts, labelled with it, until its row goes", async () => {
    const server = testContext(testDb.db, { clock });
    const worker = testContext(testDb.db, { clock });
    const heartbeat = startProcessHeartbeat(worker, { role: 'worker', everyMs: 3_600_000 });
    for (let row = 0; row < 3; row += 1)
      worker.metrics.rowSettled({ objectType: 'contacts', outcome: 'synced' });
    worker.metrics.rowSettled({ objectType: 'Lead', outcome: 'retrying', category: 'transient' });
    const change = { source: 'webhook', lastMarkedAt: clock.now() - 1_500 };
    worker.metrics.changesWritten([change], clock.now());
    // The same change written again in a later round of its unit counts once.
    worker.metrics.changesWritten([change], clock.now() + 200);
    server.metrics.apiCall('hubspot', 'read');
    await heartbeat.beat();

    const scrape = parsePrometheus(await renderMetrics(server));
    const fromWorker = { process: worker.metrics.processId };
    expect(
      scrape.sum('bridge_syncs_total', { ...fromWorker, outcome: 'synced', object_type: 'contacts' }),
    ).toBe(3);
    expect(
      scrape.sum('bridge_syncs_total', { ...fromWorker, outcome: 'retrying', object_type: 'Lead' }),
    ).toBe(1);
    expect(scrape.sum('bridge_sync_failures_total', { ...fromWorker, category: 'transient' })).toBe(1);
    expect(scrape.sum('bridge_change_to_write_seconds_count', { ...fromWorker, path: 'webhook' })).toBe(1);
    expect(scrape.sum('bridge_change_to_write_seconds_sum', { ...fromWorker, path: 'webhook' })).toBe(1.5);
    expect(
      scrape.sum('bridge_change_to_write_seconds_bucket', { ...fromWorker, path: 'webhook', le: '1' }),
    ).toBe(0);
    expect(
      scrape.sum('bridge_change_to_write_seconds_bucket', { ...fromWorker, path: 'webhook', le: '2' }),
    ).toBe(1);
    // The scraped process's own counts are live, and carry its own label.
    expect(scrape.sum('bridge_api_calls_total', { process: server.metrics.processId })).toBe(1);
    expect(scrape.sum('bridge_api_calls_total', fromWorker)).toBe(0);
    expect(scrape.sum('bridge_processes', { role: 'worker' })).toBe(1);
    expect(scrape.sum('bridge_database_up')).toBe(1);

    // Counted after the last beat: not served until the next one.
    worker.metrics.rowSettled({ objectType: 'contacts', outcome: 'synced' });
    expect(parsePrometheus(await renderMetrics(server)).sum('bridge_syncs_total', fromWorker)).toBe(4);
    await heartbeat.beat();
    expect(parsePrometheus(await renderMetrics(server)).sum('bridge_syncs_total', fromWorker)).toBe(5);

    // A worker that stopped beating is no longer alive, and its counts go with its row.
    clock.advance(60_000);
    const stale = parsePrometheus(await renderMetrics(server));
    expect(stale.sum('bridge_processes', { role: 'worker' })).toBe(0);
    expect(stale.sum('bridge_process_heartbeat_age_seconds', fromWorker)).toBe(60);
    clock.advance(PROCESS_ROW_RETENTION_MS);
    expect(parsePrometheus(await renderMetrics(server)).has('bridge_syncs_total', fromWorker)).toBe(false);

    // A worker that stops cleanly removes its row at once.
    await heartbeat.stop();
    expect(await processHeartbeats.listSince(testDb.db, 0)).toEqual([]);
  });

  it('reads the queue, open failures and the Salesforce budget from the database', async () => {
    const context = testContext(testDb.db, { clock });
    const busy = await insertInstallation(testDb.db);
    const idle = await insertInstallation(testDb.db);
    await dirty.mark(
      testDb.db,
      { installationId: busy, record: hubspotContact(), source: 'webhook' },
      clock.now(),
    );
    clock.advance(30_000);
    await dirty.mark(
      testDb.db,
      { installationId: busy, record: hubspotContact(), source: 'poll' },
      clock.now(),
    );
    await failures.record(
      testDb.db,
      {
        installationId: busy,
        linkId: null,
        record: hubspotContact(),
        kind: 'quarantine',
        category: 'validation',
        code: 'INVALID_EMAIL_ADDRESS',
        message: 'Salesforce refused the email address.',
        details: {},
        attempts: 1,
      },
      clock.now(),
    );
    for (let call = 0; call < 7; call += 1) {
      await apiUsage.record(testDb.db, {
        installationId: busy,
        provider: 'salesforce',
        windowMs: SALESFORCE_WINDOW_MS,
        calls: 1,
        now: clock.now(),
      });
    }
    clock.advance(60_000);

    const scrape = parsePrometheus(await renderMetrics(context));
    expect(scrape.sum('bridge_queue_depth', { installation_id: busy, state: 'pending' })).toBe(2);
    expect(scrape.sum('bridge_queue_depth', { installation_id: busy, state: 'claimed' })).toBe(0);
    expect(scrape.sum('bridge_queue_due', { installation_id: busy })).toBe(2);
    expect(scrape.sum('bridge_queue_oldest_age_seconds', { installation_id: busy })).toBe(90);
    // An installation with nothing waiting reports an empty queue rather than nothing.
    expect(scrape.has('bridge_queue_depth', { installation_id: idle, state: 'pending' })).toBe(true);
    expect(scrape.sum('bridge_queue_depth', { installation_id: idle })).toBe(0);
    expect(scrape.sum('bridge_queue_oldest_age_seconds', { installation_id: idle })).toBe(0);
    expect(
      scrape.sum('bridge_failures_open', {
        installation_id: busy,
        kind: 'quarantine',
        category: 'validation',
      }),
    ).toBe(1);
    expect(scrape.sum('bridge_failures_open', { installation_id: idle })).toBe(0);
    const salesforce = { installation_id: busy, provider: 'salesforce' };
    expect(scrape.sum('bridge_api_budget_used_calls', salesforce)).toBe(7);
    const share = scrape.sum('bridge_api_budget_limit_calls', salesforce);
    expect(share).toBeGreaterThan(0);
    expect(scrape.sum('bridge_api_budget_used_ratio', salesforce)).toBeCloseTo(7 / share, 6);
    expect(scrape.sum('bridge_installations', { status: 'active' })).toBe(2);
  });

  it("serves this process's counts when the database does not answer", async () => {
    const closed = createDb(testDb.url);
    await closed.destroy();
    const context = testContext(closed, { clock });
    context.metrics.apiCall('salesforce', 'write');
    const scrape = parsePrometheus(await renderMetrics(context));
    expect(scrape.sum('bridge_database_up')).toBe(0);
    expect(scrape.sum('bridge_api_calls_total', { provider: 'salesforce', kind: 'write' })).toBe(1);
    expect(scrape.has('bridge_queue_depth')).toBe(false);
  });
});
