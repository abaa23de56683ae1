/**
 * HubSpot lifecycle stages as portals have them: customised (stages added, removed, reordered), and moving
 * only forward through the API. A Lead Status change that maps to an earlier stage clears the stage first;
 * a value map naming a stage the portal removed writes the stage of the same group the portal has.
 */
import * as links from '../../../src/db/links';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, type Harness } from '../../support/syncHarness';

let hubspotEmulator: HubSpotEmulator;
let salesforceEmulator: SalesforceEmulator;

beforeAll(async () => {
  hubspotEmulator = await startHubSpot();
  salesforceEmulator = await startSalesforce();
});
afterAll(async () => {
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

const UPDATE = 'POST /crm/v3/objects/contacts/batch/update';

describe.each(testDialects)('lifecycle stages (%s)', (dialect) => {
  let h: Harness;

  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
  });
  afterEach(() => h.destroy());

  async function customerPair(): Promise<{ contactId: string; leadId: string }> {
    const contact = await hubspotEmulator.control.asUser(h.portalId).create('contacts', {
      email: 'stage@acme.com',
      lastname: 'Stage',
      company: 'Acme',
      lifecyclestage: 'customer',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (!link) throw new Error('not linked');
    expect((await salesforceEmulator.control.getRecord(link.salesforceId)).Status).toBe('Closed - Converted');
    return { contactId: contact.id, leadId: link.salesforceId };
  }

  async function leadStatusTo(leadId: string, status: string) {
    await salesforceEmulator.control.updateRecord(
      leadId,
      { Status: status },
      { asUser: 'rep@sandbox.example' },
    );
    await h.markSalesforce('Lead', leadId);
  }

  const stageOf = async (contactId: string) =>
    (await hubspotEmulator.control.record(h.portalId, 'contacts', contactId)).properties.lifecyclestage;

  it('clears the stage before moving it backward, as HubSpot requires', async () => {
    const pair = await customerPair();
    await leadStatusTo(pair.leadId, 'Working - Contacted');
    await h.resetCalls();
    await h.drain();
    expect(await stageOf(pair.contactId)).toBe('salesqualifiedlead');
    // One call clears the stage, one writes it (with the rest of the update).
    expect((await h.calls()).hubspot[UPDATE]).toBe(2);
    const history = (await hubspotEmulator.control.record(h.portalId, 'contacts', pair.contactId))
      .propertiesWithHistory.lifecyclestage as Array<{ value: string }>;
    expect(history.slice(0, 3).map((version) => version.value)).toEqual([
      'salesqualifiedlead',
      '',
      'customer',
    ]);
    const failures = await h.testDb.db('failures').where({ installation_id: h.installationId });
    expect(failures).toEqual([]);

    // Forward again: no clearing.
    await leadStatusTo(pair.leadId, 'Closed - Converted');
    await h.resetCalls();
    await h.drain();
    expect(await stageOf(pair.contactId)).toBe('opportunity');
    expect((await h.calls()).hubspot[UPDATE]).toBe(1);
  });

  it("writes the portal's own stage of the value map's group when the portal removed the first one", async () => {
    await hubspotEmulator.control.setLifecycleStages(h.portalId, [
      { value: 'subscriber' },
      { value: 'lead' },
      { value: 'marketingqualifiedlead' },
      { value: 'opportunity' },
      { value: 'customer' },
      { value: 'evangelist' },
      { value: 'other' },
    ]);
    const pair = await customerPair();
    await leadStatusTo(pair.leadId, 'Working - Contacted');
    await h.drain();
    // "Working - Contacted" maps to salesqualifiedlead first, which this portal no longer has.
    expect(await stageOf(pair.contactId)).toBe('marketingqualifiedlead');
    expect(await h.testDb.db('failures').where({ installation_id: h.installationId })).toEqual([]);
  });
});
