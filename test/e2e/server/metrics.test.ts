/**
 * `/metrics` after real syncs through both emulators: the bridge's HTTP server, installed through the OAuth
 * flow, HubSpot's webhooks, both polls and the sync worker as the worker role runs them. Leads found by the
 * Salesforce poll are created in HubSpot, then edits HubSpot announced by webhook are written to the Leads;
 * the scrape then says exactly that: the rows synced by object type, one change-to-write observation per change on its
 * path, an empty queue, as many API calls per provider as the emulators answered, every webhook delivery
 * and event, and the token refresh that was forced.
 */
import { HUBSPOT_WEBHOOK_PATH } from '../../../server/routes/webhooks';
import type { SyncWorker } from '../../../src/sync/worker';
import { TEST_OPS_TOKEN } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import { parsePrometheus, type Scrape } from '../../support/prometheus';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

jest.setTimeout(120_000);

/** The bridge's own calls: the API, not the OAuth token endpoints (a token refresh is counted on its own). */
const OAUTH_ROUTE = /oauth/;

describe.each(testDialects)('/metrics after real syncs (%s)', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  const portalId = 3901;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    // The org's users own records in HubSpot too, so owner fields map both ways.
    for (const user of await harness.salesforce.control.listUsers()) {
      if (user.email) await harness.hubspot.control.addOwner(portalId, { email: user.email });
    }
  });
  afterAll(async () => harness.close());

  async function scrape(): Promise<Scrape> {
    const response = await fetch(`${harness.bridge.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  }

  async function pendingRows(): Promise<Array<{ source: string; objectType: string }>> {
    const rows = await harness.dirtyRows(installationId);
    return rows.map((row) => ({ source: row.source, objectType: row.record.objectType }));
  }

  /** Runs the worker until what is queued is synced and the webhooks its writes caused are in. */
  async function syncQueued(): Promise<void> {
    const worker: SyncWorker = harness.startWorker();
    try {
      await harness.drained(installationId);
      await harness.hubspot.control.waitForWebhooksIdle();
      await harness.drained(installationId);
    } finally {
      await worker.stop();
    }
  }

  async function emulatorCalls(): Promise<{ hubspot: number; salesforce: number }> {
    const count = (routes: Record<string, number>) =>
      Object.entries(routes)
        .filter(([route]) => !OAUTH_ROUTE.test(route))
        .reduce((total, [, calls]) => total + calls, 0);
    const hubspot = await harness.hubspot.control.calls();
    const salesforce = await harness.salesforce.control.calls();
    return {
      hubspot: count(hubspot.byPortal[String(portalId)]?.byRoute ?? {}),
      salesforce: count(salesforce.byRoute),
    };
  }

  it('counts what the syncs did, and serves it to the operator', async () => {
    // What the install did is not measured: counters restart here, on both emulators and in the scrape.
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await syncQueued();
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    const deliveriesBefore = (await harness.hubspot.control.deliveries()).results.length;
    const before = await scrape();

    // The poll path: two Leads created in Salesforce, found by its poll, created in HubSpot.
    await harness.salesforce.control.createRecords('Lead', [
      { FirstName: 'Ada', LastName: 'Lovelace', Company: 'Analytical', Email: 'ada@metrics.example' },
      { FirstName: 'Alan', LastName: 'Turing', Company: 'Bletchley', Email: 'alan@metrics.example' },
    ]);
    await harness.pollAll();
    expect(await pendingRows()).toEqual([
      { source: 'poll', objectType: 'Lead' },
      { source: 'poll', objectType: 'Lead' },
    ]);
    await syncQueued();

    // The webhook path: a person edits both contacts in HubSpot, and the worker writes the Leads. The
    // installation's HubSpot token has run out meanwhile, so the first call refreshes it.
    const linked = await harness.testDb
      .db('links')
      .where({ installation_id: installationId, state: 'active' });
    expect(linked).toHaveLength(2);
    const person = harness.hubspot.control.asUser(portalId);
    for (const link of linked) {
      await person.update('contacts', link.hubspot_id, { jobtitle: 'Mathematician' });
    }
    await harness.hubspot.control.waitForWebhooksIdle();
    expect(await pendingRows()).toEqual([
      { source: 'webhook', objectType: 'contacts' },
      { source: 'webhook', objectType: 'contacts' },
    ]);
    await harness.testDb
      .db('installations')
      .where({ id: installationId })
      .update({ hubspot_token_expires_at: 0 });
    await syncQueued();
    expect(await pendingRows()).toEqual([]);
    for (const link of linked) {
      expect((await harness.salesforce.control.getRecord(link.salesforce_id)).Title).toBe('Mathematician');
    }

    // Someone who is not HubSpot posts to the webhook endpoint.
    const forged = await fetch(`${harness.bridge.baseUrl}${HUBSPOT_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(forged.status).toBe(401);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      after.sum(name, labels) - before.sum(name, labels);

    expect(delta('bridge_syncs_total', { outcome: 'synced', object_type: 'Lead' })).toBe(2);
    expect(delta('bridge_syncs_total', { outcome: 'synced', object_type: 'contacts' })).toBe(2);
    expect(delta('bridge_syncs_total')).toBe(4);
    expect(delta('bridge_sync_failures_total')).toBe(0);
    expect(delta('bridge_change_to_write_seconds_count', { path: 'poll' })).toBe(2);
    expect(delta('bridge_change_to_write_seconds_count', { path: 'webhook' })).toBe(2);
    expect(delta('bridge_change_to_write_seconds_count')).toBe(4);

    expect(after.sum('bridge_queue_depth', { installation_id: installationId })).toBe(0);
    expect(after.sum('bridge_queue_oldest_age_seconds', { installation_id: installationId })).toBe(0);
    expect(after.sum('bridge_failures_open', { installation_id: installationId })).toBe(0);

    const calls = await emulatorCalls();
    expect(calls.hubspot).toBeGreaterThan(0);
    expect(calls.salesforce).toBeGreaterThan(0);
    expect(delta('bridge_api_calls_total', { provider: 'hubspot' })).toBe(calls.hubspot);
    expect(delta('bridge_api_calls_total', { provider: 'salesforce' })).toBe(calls.salesforce);
    expect(delta('bridge_api_budget_refusals_total')).toBe(0);
    const salesforceBudget = { installation_id: installationId, provider: 'salesforce' };
    expect(after.sum('bridge_api_budget_used_calls', salesforceBudget)).toBeGreaterThanOrEqual(
      calls.salesforce,
    );
    expect(after.sum('bridge_api_budget_used_ratio', salesforceBudget)).toBeGreaterThan(0);

    expect(delta('bridge_token_refreshes_total', { provider: 'hubspot', outcome: 'refreshed' })).toBe(1);
    expect(delta('bridge_token_refreshes_total')).toBe(1);

    const deliveries = (await harness.hubspot.control.deliveries()).results.slice(deliveriesBefore);
    const delivered = deliveries.filter((delivery) => delivery.outcome === 'delivered');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delta('bridge_webhook_requests_total', { outcome: 'accepted' })).toBe(delivered.length);
    expect(delta('bridge_webhook_requests_total', { outcome: 'invalid_signature' })).toBe(1);
    const events = delivered.reduce((total, delivery) => total + delivery.eventIds.length, 0);
    expect(delta('bridge_webhook_events_total')).toBe(events);
    expect(delta('bridge_webhook_events_total', { outcome: 'stored' })).toBe(events);
    expect(delta('bridge_webhook_marks_total')).toBe(2);
  });

  it('refuses a scrape without the operator token', async () => {
    const bare = await fetch(`${harness.bridge.baseUrl}/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${harness.bridge.baseUrl}/metrics`, {
      headers: { authorization: 'Bearer not-the-operator-token' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});
