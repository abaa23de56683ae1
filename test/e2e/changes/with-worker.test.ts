import * as links from '../../../src/db/links';
import type { SyncWorker } from '../../../src/sync/worker';
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
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const drained = () => harness.drained(installationId);
  const pollBothSides = () => harness.pollAll();

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
    // One read of the HubSpot contact (with history) and of its primary company (companies sync by
    // default), one of the Salesforce record, one write.
    expect(await writes()).toEqual({ hubspot: 0, salesforce: 1 });
    expect((await harness.hubspot.control.calls()).byRoute).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v4/associations/contacts/companies/batch/read': 1,
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

  it("writes nothing when HubSpot's own processes bump a contact's last-modified date", async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', {
      email: 'nellie@example.com',
      firstname: 'Nellie',
      lastname: 'Bly',
      company: 'New York World',
    });
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    await pollBothSides();
    await drained();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    expect(link).not.toBeNull();
    await pollBothSides();
    await drained();

    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    const before = (await harness.hubspot.control.record(portalId, 'contacts', contact.id)).properties;
    const touched = await harness.hubspot.control.systemUpdate(portalId, 'contacts', contact.id);
    expect(touched.properties.lastmodifieddate).not.toBe(before.lastmodifieddate);
    // No webhook: the HubSpot poll finds the record by its last-modified date and hands it over.
    await pollBothSides();
    await drained();
    const searched = (await harness.hubspot.control.calls()).byRoute['POST /crm/v3/objects/contacts/search'];
    expect(searched).toBeGreaterThanOrEqual(1);
    expect(await writes()).toEqual({ hubspot: 0, salesforce: 0 });
  });
});
