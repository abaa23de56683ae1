/**
 * Owners with no counterpart on the other side: left as they are, with the card saying why (the default), or
 * given the default owner an admin set, which is never copied back over the real owner.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

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

const ADMIN = 'admin@default.example';
const REP = 'rep@sandbox.example';

const withDefaultUser = (defaults: SettingsInput): SettingsInput => ({
  ...defaults,
  owners: { salesforceDefaultUserEmail: ADMIN },
});

describe.each(testDialects)('owners with no counterpart (%s)', (dialect) => {
  let h: Harness;
  const start = async (settings?: (defaults: SettingsInput) => SettingsInput) => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, settings ? { settings } : {});
  };
  afterEach(() => h.destroy());

  const userId = async (email: string) =>
    (await salesforceEmulator.control.listUsers()).find((user) => user.email === email)?.id as string;

  async function contactOwnedByHubspotOnlyOwner(email: string) {
    const onlyInHubspot = await hubspotEmulator.control.addOwner(h.portalId, { email: `only-${email}` });
    const contact = await hubspotEmulator.control.asUser(h.portalId).create('contacts', {
      email,
      lastname: 'Owned',
      company: 'Acme',
      hubspot_owner_id: onlyInHubspot.ownerId,
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    return { contactId: contact.id, ownerId: onlyInHubspot.ownerId, leadId: link?.salesforceId as string };
  }

  it('leaves the Salesforce owner as it is by default, and the card says why', async () => {
    await start();
    const { contactId, leadId } = await contactOwnedByHubspotOnlyOwner('leave@acme.com');
    expect(leadId).toBeTruthy();
    // Salesforce gave the new Lead its creator as owner; the bridge did not change it.
    expect((await salesforceEmulator.control.getRecord(leadId)).OwnerId).toBe(await userId(ADMIN));
    const failure = await failures.findUnresolved(h.testDb.db, h.installationId, {
      side: 'hubspot',
      objectType: 'contacts',
      recordId: contactId,
    });
    expect(failure).toMatchObject({ code: 'owner_not_found' });
    expect(failure?.message).toContain('has no Salesforce user with this email');
  });

  it("gives the record the admin's default owner, says so, and never copies it back", async () => {
    await start(withDefaultUser);
    const { contactId, ownerId, leadId } = await contactOwnedByHubspotOnlyOwner('default@acme.com');
    expect((await salesforceEmulator.control.getRecord(leadId)).OwnerId).toBe(await userId(ADMIN));
    const audit = await h.testDb
      .db('audit_entries')
      .where({ installation_id: h.installationId, field_key: 'owner', reason: 'default_owner' });
    expect(audit).toHaveLength(1);
    expect(
      await failures.findUnresolved(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: contactId,
      }),
    ).toBeNull();

    // The echoes, and a Salesforce edit of another field: the default owner is not written to HubSpot.
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Buyer' }, { asUser: REP });
    await h.resetCalls();
    await h.markHubspot(contactId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    const contact = await hubspotEmulator.control.record(h.portalId, 'contacts', contactId);
    expect(contact.properties).toMatchObject({ hubspot_owner_id: ownerId, jobtitle: 'Buyer' });
    expect(writeCalls(await h.calls()).salesforce).toBe(0);

    // An owner with a counterpart goes over as usual.
    const rep = (await hubspotEmulator.control.portal(h.portalId)).users.find((user) => user.email === REP);
    await hubspotEmulator.control
      .asUser(h.portalId)
      .update('contacts', contactId, { hubspot_owner_id: rep?.ownerId as string });
    await h.markHubspot(contactId);
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(leadId)).OwnerId).toBe(await userId(REP));
  });
});
