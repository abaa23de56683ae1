import { PollDispatcher } from '../../../src/changes/pollDispatcher';
import * as dirty from '../../../src/db/dirty';
import * as links from '../../../src/db/links';
import { err, ok } from '../../../src/domain/result';
import type { ClientSource } from '../../../src/sync/clients';
import { startSyncWorker, type SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

const HUBSPOT_WRITES = /^POST \/crm\/v3\/objects\/contacts\/batch\/(update|upsert|create)$/;
const SALESFORCE_WRITES = /^(POST|PATCH|DELETE) \/services\/data/;

describe.each(testDialects)('change detection feeding the sync worker on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  const portalId = 3801;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    const { credentials } = harness.bridge.context;
    const clients: ClientSource = {
      clientsFor: async (id) => {
        const hubspot = await credentials.getHubSpotClient(id);
        if (!hubspot.ok) return err(hubspot.error);
        const salesforce = await credentials.getSalesforceConnection(id);
        if (!salesforce.ok) return err(salesforce.error);
        return ok({ hubspot: hubspot.value, salesforce: salesforce.value });
      },
    };
    worker = startSyncWorker(
      {
        db: harness.testDb.db,
        clients,
        gateFor: (id) => harness.budget.gateFor(id),
        canSync: (id) => harness.budget.canSync(id),
        now: harness.clock.now,
        logger: harness.deps.logger,
      },
      { idleMs: 20, workerId: 'with-worker:1' },
    );
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  /** Waits until the queue holds nothing due or claimed (the worker drained what change detection marked). */
  async function drained(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await dirty.counts(harness.testDb.db, installationId, harness.clock.now());
      if (counts.due === 0 && counts.claimed === 0) return;
      if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function writes() {
    const hubspot = await harness.hubspot.control.calls();
    const salesforce = await harness.salesforce.control.calls();
    const count = (routes: Record<string, number>, pattern: RegExp) =>
      Object.entries(routes)
        .filter(([route]) => pattern.test(route))
        .reduce((sum, [, n]) => sum + n, 0);
    return {
      hubspot: count(hubspot.byPortal[String(portalId)]?.byRoute ?? {}, HUBSPOT_WRITES),
      salesforce: count(salesforce.byRoute, SALESFORCE_WRITES),
    };
  }

  async function pollBothSides(): Promise<void> {
    const dispatcher = new PollDispatcher(harness.deps, {
      holder: 'with-worker:polls',
      settingsRefreshMs: 0,
    });
    await harness.advanceTime(61_000);
    await dispatcher.dispatch();
    await dispatcher.idle();
  }

  it('links the same person found by the first polls, then carries a HubSpot edit over with no echo', async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', {
      email: 'ida@example.com',
      firstname: 'Ida',
      lastname: 'Tarbell',
    });
    const [salesforceContact] = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Ida', LastName: 'Tarbell', Email: 'ida@example.com' },
    ]);
    await harness.hubspot.control.waitForWebhooksIdle();
    await pollBothSides();
    await drained();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    expect(link?.salesforceId).toBe(salesforceContact);

    // A person edits the contact in HubSpot: the webhook marks it, the worker writes Salesforce once.
    await pollBothSides();
    await drained();
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    await person.update('contacts', contact.id, { jobtitle: 'Journalist' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    expect((await harness.salesforce.control.getRecord(salesforceContact!)).Title).toBe('Journalist');
    // One read of the HubSpot contact (with history), one of the Salesforce record, one write.
    expect(await writes()).toEqual({ hubspot: 0, salesforce: 1 });
    expect((await harness.hubspot.control.calls()).byRoute).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 1,
    });

    // The write comes back through the Salesforce poll, which hands the record over: the worker finds it
    // equal to what it synced and writes nothing, anywhere.
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    await pollBothSides();
    await drained();
    await pollBothSides();
    await drained();
    expect(await writes()).toEqual({ hubspot: 0, salesforce: 0 });
  });
});
