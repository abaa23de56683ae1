/**
 * Owners with no counterpart on the other side: left as they are, with the card saying why (the default), or
 * given the default owner an admin set, which is never copied back over the real owner.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();

const ADMIN = 'admin@default.example';
const REP = 'rep@sandbox.example';

const withDefaultUser = (defaults: SettingsInput): SettingsInput => ({
  ...defaults,
  owners: { salesforceDefaultUserEmail: ADMIN },
});

describe.each(testDialects)('owners with no counterpart (%s)', (dialect) => {
  let h: Harness;
  const start = async (settings?: (defaults: SettingsInput) => SettingsInput) => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, settings ? { settings } : {});
  };
  afterEach(() => h.destroy());

  const userId = async (email: string) =>
    (await emulators.salesforce.control.listUsers()).find((user) => user.email === email)?.id as string;

  async function contactOwnedByHubspotOnlyOwner(email: string) {
    const onlyInHubspot = await emulators.hubspot.control.addOwner(h.portalId, { email: `only-${email}` });
    const contact = await emulators.hubspot.control.asUser(h.portalId).create('contacts', {
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
    const { contactId, ownerId, leadId } = await contactOwnedByHubspotOnlyOwner('leave@acme.com');
    expect(leadId).toBeTruthy();
    // Salesforce gave the new Lead its creator as owner; the bridge did not change it.
    expect((await emulators.salesforce.control.getRecord(leadId)).OwnerId).toBe(await userId(ADMIN));
    const failure = await failures.findUnresolved(h.testDb.db, h.installationId, {
      side: 'hubspot',
      objectType: 'contacts',
      recordId: contactId,
    });
    expect(failure).toMatchObject({ code: 'owner_not_found' });
    expect(failure?.message).toContain('has no Salesforce user with this email');

    // The Lead changes later, so Salesforce's copy is the newer: the owner Salesforce gave it is still not
    // copied over the HubSpot owner, and the card still says why they differ.
    await emulators.salesforce.control.updateRecord(leadId, { Title: 'Buyer' }, { asUser: REP });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    const contact = await emulators.hubspot.control.record(h.portalId, 'contacts', contactId);
    expect(contact.properties).toMatchObject({ hubspot_owner_id: ownerId, jobtitle: 'Buyer' });
    expect(
      await failures.findUnresolved(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: contactId,
      }),
    ).toMatchObject({ code: 'owner_not_found' });

    // A rep who really gives the Lead an owner HubSpot knows: that goes over.
    await emulators.salesforce.control.updateRecord(leadId, { OwnerId: await userId(REP) }, { asUser: REP });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    const rep = (await emulators.hubspot.control.portal(h.portalId)).users.find((user) => user.email === REP);
    expect(
      (await emulators.hubspot.control.record(h.portalId, 'contacts', contactId)).properties.hubspot_owner_id,
    ).toBe(rep?.ownerId);
  });

  it("gives the record the admin's default owner, says so, and never copies it back", async () => {
    await start(withDefaultUser);
    const { contactId, ownerId, leadId } = await contactOwnedByHubspotOnlyOwner('default@acme.com');
    expect((await emulators.salesforce.control.getRecord(leadId)).OwnerId).toBe(await userId(ADMIN));
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
    await emulators.salesforce.control.updateRecord(leadId, { Title: 'Buyer' }, { asUser: REP });
    await h.resetCalls();
    await h.markHubspot(contactId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    const contact = await emulators.hubspot.control.record(h.portalId, 'contacts', contactId);
    expect(contact.properties).toMatchObject({ hubspot_owner_id: ownerId, jobtitle: 'Buyer' });
    expect(writeCalls(await h.calls()).salesforce).toBe(0);

    // An owner with a counterpart goes over as usual.
    const rep = (await emulators.hubspot.control.portal(h.portalId)).users.find((user) => user.email === REP);
    await emulators.hubspot.control
      .asUser(h.portalId)
      .update('contacts', contactId, { hubspot_owner_id: rep?.ownerId as string });
    await h.markHubspot(contactId);
    await h.drain();
    expect((await emulators.salesforce.control.getRecord(leadId)).OwnerId).toBe(await userId(REP));
  });

  it('keeps an owner a person set in HubSpot without a Salesforce user, while the Lead keeps its own', async () => {
    await start();
    const rep = (await emulators.hubspot.control.portal(h.portalId)).users.find((user) => user.email === REP);
    const contact = await emulators.hubspot.control.asUser(h.portalId).create('contacts', {
      email: 'kept@acme.com',
      lastname: 'Kept',
      company: 'Acme',
      hubspot_owner_id: rep?.ownerId as string,
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const leadId = (await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id))
      ?.salesforceId as string;
    expect((await emulators.salesforce.control.getRecord(leadId)).OwnerId).toBe(await userId(REP));

    const onlyInHubspot = await emulators.hubspot.control.addOwner(h.portalId, {
      email: 'only-kept@acme.com',
    });
    await emulators.hubspot.control
      .asUser(h.portalId)
      .update('contacts', contact.id, { hubspot_owner_id: onlyInHubspot.ownerId });
    await h.markHubspot(contact.id);
    await h.drain();
    // Later the Lead changes for another field: the rep who owns it there is not copied back over the owner
    // a person chose in HubSpot.
    await emulators.salesforce.control.updateRecord(leadId, { Title: 'Buyer' }, { asUser: REP });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(
      (await emulators.hubspot.control.record(h.portalId, 'contacts', contact.id)).properties,
    ).toMatchObject({ hubspot_owner_id: onlyInHubspot.ownerId, jobtitle: 'Buyer' });
    expect((await emulators.salesforce.control.getRecord(leadId)).OwnerId).toBe(await userId(REP));
  });
});
