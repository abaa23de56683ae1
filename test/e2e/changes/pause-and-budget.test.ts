import { PollDispatcher } from '../../../src/changes/pollDispatcher';
import { pollSalesforce } from '../../../src/changes/salesforcePoll';
import { isBudgetExhausted } from '../../../src/connectors/gate';
import { claimBatch } from '../../../src/queue/claim';
import { SALESFORCE_ORG_RECHECK_MS } from '../../../src/budget/budget';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;

describe.each(testDialects)('pausing and API budgets on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  const portalId = 3601;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
  });
  afterAll(async () => harness.close());

  async function fromSettingsPage(method: 'GET' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  const claim = () =>
    claimBatch(harness.testDb.db, {
      workerId: 'test-worker',
      now: harness.clock.now(),
      maxBatchSize: 100,
      leaseMs: 60_000,
      maxAttempts: 8,
      canSync: (id) => harness.budget.canSync(id),
    });

  async function releaseAll() {
    await harness.testDb.db('dirty').where({ installation_id: installationId }).update({
      state: 'pending',
      claimed_by: null,
      claim_token: null,
      claimed_until: null,
      attempts: 0,
      next_attempt_at: 0,
    });
  }

  it('keeps recording changes while paused and hands them all to the worker on resume', async () => {
    const paused = await fromSettingsPage('PUT', '/api/sync/pause', { paused: true });
    expect(paused).toMatchObject({
      status: 200,
      body: { pausedByAdmin: true, syncPaused: true, reason: 'paused_by_admin' },
    });

    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', { email: 'paused@example.com', firstname: 'Pat' });
    await harness.hubspot.control.waitForWebhooksIdle();
    const [salesforceContact] = await harness.salesforce.control.createRecords('Contact', [
      { LastName: 'Meanwhile', Email: 'meanwhile@example.com' },
    ]);
    await pollSalesforce(harness.deps, installationId);
    const recorded = (await harness.dirtyRows(installationId)).map((row) => row.record.recordId);
    expect(recorded).toEqual(expect.arrayContaining([contact.id, salesforceContact]));

    expect(await claim()).toEqual([]);
    const health = await fromSettingsPage('GET', '/api/sync/health');
    expect(health.body).toMatchObject({
      sync: { state: 'paused', reason: 'paused_by_admin' },
      queue: { pending: recorded.length },
    });
    expect((health.body.sync as Json).message).toContain('catches up on resume');

    await fromSettingsPage('PUT', '/api/sync/pause', { paused: false });
    const claimed = await claim();
    expect(claimed.map((item) => item.record.recordId).sort()).toEqual([...recorded].sort());
    expect((await fromSettingsPage('GET', '/api/sync/health')).body).toMatchObject({
      sync: { state: 'running' },
    });
    await releaseAll();
  });

  it('waits, without an error storm, while the Salesforce org is near its allocation, says why, and resumes', async () => {
    await harness.salesforce.control.setDailyApiLimit(1_000);
    await harness.salesforce.control.setApiUsage(960);
    await harness.salesforce.control.resetCalls();
    await harness.salesforce.control.createRecords('Lead', [{ LastName: 'Late', Company: 'Globex' }]);

    // The first call learns from its answer that the org is at 961 of 1,000; the next is not made.
    const refused = await pollSalesforce(harness.deps, installationId).catch((error: unknown) => error);
    expect(isBudgetExhausted(refused)).toBe(true);
    expect((await harness.salesforce.control.calls()).total).toBe(1);

    const health = await fromSettingsPage('GET', '/api/sync/health');
    expect(health.body).toMatchObject({
      sync: { state: 'waiting_for_budget', reason: 'api_budget' },
      budget: { state: 'waiting', salesforce: { org: { used: 961, limit: 1_000 } } },
    });
    const sync = health.body.sync as { message: string; resumesAt: number };
    expect(sync.message).toContain('has used 961 of its 1000 daily API calls');
    expect(sync.resumesAt).toBeGreaterThan(harness.clock.now());
    expect(await claim()).toEqual([]);

    // Scheduled polls keep coming round, and spend nothing while the wait lasts.
    const dispatcher = new PollDispatcher(harness.deps, { holder: 'worker:budget', settingsRefreshMs: 0 });
    for (let round = 0; round < 3; round += 1) {
      await harness.advanceTime(61_000);
      await dispatcher.dispatch();
      await dispatcher.idle();
    }
    expect((await harness.salesforce.control.calls()).total).toBe(1);
    const warnings = harness.bridge.context.lines.filter(
      (line) => line.includes('"level":40') && line.includes('has used 961'),
    );
    expect(warnings).toHaveLength(1);

    // The org's usage rolled off; after the wait, the bridge looks again and carries on.
    await harness.salesforce.control.setApiUsage(0);
    await harness.advanceTime(SALESFORCE_ORG_RECHECK_MS);
    expect(await harness.budget.canSync(installationId)).toBe(true);
    const run = await pollSalesforce(harness.deps, installationId);
    expect(run.byObject.every((entry) => entry.outcome.complete)).toBe(true);
    expect((await fromSettingsPage('GET', '/api/sync/health')).body).toMatchObject({
      sync: { state: 'running' },
    });
    expect((await claim()).length).toBeGreaterThan(0);
  });
});
