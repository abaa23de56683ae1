/**
 * Alerts on a real database: the failure rate and the stall open from what the sync stored and resolve when
 * that changes, one alert per kind however often the worker evaluates (and /metrics shows it), and deliveries to a real HTTP receiver
 * are signed, retried with backoff after a failure (surviving a new process), and given up after their last
 * attempt.
 */
import { runAlertCycle, type AlertsJobDeps } from '../../../src/app/alertsJob';
import * as alertDeliveries from '../../../src/db/alertDeliveries';
import * as alertsTable from '../../../src/db/alerts';
import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as reconcileReports from '../../../src/db/reconcileReports';
import { emptyCounts, type ReconcileCounts } from '../../../src/domain/reconcile';
import { STALL_AFTER_MS } from '../../../src/domain/alerts';
import { deliverDueAlerts, verifySignature } from '../../../src/ops/alertDelivery';
import { openAlerts } from '../../../src/ops/alerts';
import { renderMetrics } from '../../../src/ops/scrape';
import { contactLink, context, hubspotContact, insertInstallation } from '../../factories/storage';
import { testClock, testContext, type TestClock } from '../../support/bridge-context';
import { startAlertReceiver, type AlertReceiver } from '../../support/alertReceiver';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { parsePrometheus } from '../../support/prometheus';

const SECRET = 'alert-webhook-secret-for-tests';

describe.each(testDialects)('alerts on %s', (dialect) => {
  let testDb: TestDb;
  let clock: TestClock;
  let receiver: AlertReceiver | undefined;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    clock = testClock(1_800_000_000_000);
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await testDb.destroy();
  });

  function depsFor(url: string | null): AlertsJobDeps {
    return { ...testContext(testDb.db, { clock }).alerts, webhook: url ? { url, secret: SECRET } : null };
  }

  async function failRecord(installationId: string) {
    await failures.record(
      testDb.db,
      {
        installationId,
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
  }

  async function syncLinks(installationId: string, count: number) {
    const ids: string[] = [];
    for (let n = 0; n < count; n += 1) {
      const created = await links.create(testDb.db, contactLink(installationId), context(clock.now()));
      if (!created.ok) throw new Error('the link was not created');
      ids.push(created.link.id);
    }
    await links.markSynced(testDb.db, installationId, ids, clock.now());
  }

  it('opens the failure-rate alert above 1% of the last hour, once, and resolves it when the hour passes', async () => {
    receiver = await startAlertReceiver();
    const installationId = await insertInstallation(testDb.db, { now: clock.now() });
    await syncLinks(installationId, 150);
    await failRecord(installationId);
    const deps = depsFor(receiver.url);

    // 1 of 151 is 0.66%: no alert.
    expect((await runAlertCycle(deps)).evaluation.opened).toEqual([]);
    await failRecord(installationId);
    const first = await runAlertCycle(deps);
    expect(first.evaluation.opened.map((alert) => alert.kind)).toEqual(['sync_failure_rate']);
    expect(first.evaluation.opened[0]?.message).toContain('2 of 152 records');
    // Evaluating again keeps the one alert and delivers nothing more.
    await runAlertCycle(deps);
    expect(await openAlerts(testDb.db, installationId)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
    // Another process that reaches the same verdict opens nothing more.
    expect(
      await alertsTable.open(testDb.db, installationId, first.evaluation.opened[0]!, clock.now()),
    ).toBeNull();
    const scrape = parsePrometheus(await renderMetrics(testContext(testDb.db, { clock })));
    expect(
      scrape.sum('bridge_alerts_open', {
        installation_id: installationId,
        kind: 'sync_failure_rate',
        severity: 'warning',
      }),
    ).toBe(1);

    clock.advance(61 * 60_000);
    const later = await runAlertCycle(deps);
    expect(later.evaluation.resolved.map((alert) => alert.kind)).toEqual(['sync_failure_rate']);
    expect(await openAlerts(testDb.db, installationId)).toEqual([]);
    expect(receiver.received.map((delivery) => delivery.headers['x-bridge-event'])).toEqual([
      'alert.opened',
      'alert.resolved',
    ]);
  });

  it('opens the drift alert from the last completed reconciliation, ignores one cut short, and resolves it on a clean run', async () => {
    const installationId = await insertInstallation(testDb.db, { now: clock.now() });
    await syncLinks(installationId, 100);
    const deps = depsFor(null);
    const run = async (state: 'completed' | 'incomplete', counts: Partial<ReconcileCounts>) => {
      const report = await reconcileReports.create(
        testDb.db,
        { installationId, trigger: 'scheduled', requestedBy: null, state: 'running' },
        clock.now(),
      );
      await reconcileReports.finish(
        testDb.db,
        report.id,
        { state, counts: { ...emptyCounts(), ...counts } },
        clock.now(),
      );
      clock.advance(60_000);
    };

    await run('completed', { hubspot_deleted: 4, salesforce_changed: 5 });
    expect((await runAlertCycle(deps)).evaluation.opened).toEqual([]);
    await run('completed', { hubspot_deleted: 9, salesforce_changed: 3 });
    const opened = (await runAlertCycle(deps)).evaluation.opened;
    expect(opened.map((alert) => alert.kind)).toEqual(['reconciliation_drift']);
    expect(opened[0]?.message).toContain('found 12 records');
    // A run the budget cut short says nothing of drift: the alert stays as the last full run left it.
    await run('incomplete', {});
    expect((await runAlertCycle(deps)).evaluation.resolved).toEqual([]);
    await run('completed', { salesforce_changed: 1 });
    expect((await runAlertCycle(deps)).evaluation.resolved.map((alert) => alert.kind)).toEqual([
      'reconciliation_drift',
    ]);
  });

  it('opens the stall alert when work waited 30 minutes with nothing synced, not while paused, and resolves it on a sync', async () => {
    receiver = await startAlertReceiver();
    const active = await insertInstallation(testDb.db, { now: clock.now() });
    const paused = await insertInstallation(testDb.db, { now: clock.now() });
    await testDb
      .db('installations')
      .where({ id: paused })
      .update({ paused_by_admin: true, sync_paused: true });
    for (const installationId of [active, paused])
      await dirty.mark(
        testDb.db,
        { installationId, record: hubspotContact(), source: 'webhook' },
        clock.now(),
      );
    const deps = depsFor(null);

    clock.advance(STALL_AFTER_MS - 60_000);
    expect((await runAlertCycle(deps)).evaluation.opened).toEqual([]);
    clock.advance(60_000);
    const stalled = await runAlertCycle(deps);
    expect(stalled.evaluation.opened.map((alert) => [alert.installationId, alert.kind])).toEqual([
      [active, 'sync_stalled'],
    ]);
    expect(stalled.deliveries).toBeNull();

    await syncLinks(active, 1);
    const resumed = await runAlertCycle(deps);
    expect(resumed.evaluation.resolved.map((alert) => alert.kind)).toEqual(['sync_stalled']);
    expect(await openAlerts(testDb.db, active)).toEqual([]);
  });

  it('signs every delivery, retries a failing receiver with backoff, and gives up after the last attempt', async () => {
    receiver = await startAlertReceiver([500, 503]);
    const installationId = await insertInstallation(testDb.db, { now: clock.now() });
    await failRecord(installationId);
    const deps = depsFor(receiver.url);

    const first = await runAlertCycle(deps, { random: () => 0.5 });
    expect(first.deliveries).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [alert] = first.evaluation.opened;
    const [queued] = await alertDeliveries.listForAlert(testDb.db, alert!.id);
    expect(queued).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500 });
    expect(queued!.nextAttemptAt).toBe(clock.now() + 30_000);

    // Not due yet: nothing is sent.
    clock.advance(29_000);
    expect((await runAlertCycle(deps, { random: () => 0.5 })).deliveries).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    // A new process (a new context) takes the retry over from the table: 503, then 60 s later 204.
    clock.advance(1_000);
    expect((await runAlertCycle(depsFor(receiver.url), { random: () => 0.5 })).deliveries?.retrying).toBe(1);
    clock.advance(60_000);
    expect((await runAlertCycle(deps, { random: () => 0.5 })).deliveries?.delivered).toBe(1);

    expect(receiver.received).toHaveLength(3);
    for (const delivery of receiver.received) {
      expect(delivery.body).toBe(receiver.received[0]?.body);
      expect(verifySignature(delivery.body, SECRET, delivery.headers['x-bridge-signature'] as string)).toBe(
        true,
      );
      expect(
        verifySignature(
          delivery.body,
          'another-secret-entirely',
          delivery.headers['x-bridge-signature'] as string,
        ),
      ).toBe(false);
    }
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      event: 'alert.opened',
      deliveryId: `${alert!.id}:opened`,
      alert: { id: alert!.id, kind: 'sync_failure_rate', severity: 'warning', installationId },
    });
    expect(receiver.received[0]?.headers['x-bridge-delivery']).toBe(`${alert!.id}:opened`);
    const [delivered] = await alertDeliveries.listForAlert(testDb.db, alert!.id);
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204 });

    // A receiver that never answers well: the delivery ends `failed` after its last attempt.
    await receiver.close();
    receiver = await startAlertReceiver([500, 500, 500]);
    clock.advance(61 * 60_000);
    const webhook = { url: receiver.url, secret: SECRET };
    await runAlertCycle({ ...deps, webhook });
    const [, resolution] = await alertDeliveries.listForAlert(testDb.db, alert!.id);
    expect(resolution).toMatchObject({ event: 'resolved', state: 'pending', attempts: 1 });
    for (let attempt = 2; attempt <= 3; attempt += 1) {
      clock.advance(2 * 60 * 60_000);
      await deliverDueAlerts({ ...deps, webhook, maxAttempts: 3 });
    }
    const [, givenUp] = await alertDeliveries.listForAlert(testDb.db, alert!.id);
    expect(givenUp).toMatchObject({ state: 'failed', attempts: 3, lastStatus: 500 });
    expect(receiver.received).toHaveLength(3);
  });
});
