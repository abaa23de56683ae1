/**
 * Associations through both emulators and the real SDKs: a Contact's Account becomes its HubSpot contact's
 * primary company and back, an Opportunity's Account its deal's primary company, a deal's contacts its
 * Opportunity's contact roles and back; an association whose other end is not linked yet waits and
 * completes once it is (never a dangling or a wrong id); a converted Lead's Account is its contact's company;
 * and the echo writes nothing.
 */
import * as associationWaits from '../../../src/db/associationWaits';
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as engine from '../../../src/sync/engineApi';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();

const companiesAndDealsOn = (defaults: SettingsInput): SettingsInput => {
  for (const object of [defaults.objects.companies, defaults.objects.deals]) {
    if (object) object.enabled = true;
  }
  return defaults;
};

const REP = 'rep@sandbox.example';
const PRIMARY_CONTACT_TO_COMPANY = 1;
const PRIMARY_DEAL_TO_COMPANY = 5;
let sequence = 0;
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${(sequence += 1)}`;

const markSalesforce = (h: Harness, objectType: 'Account' | 'Contact' | 'Opportunity', id: string) =>
  h.mark({ side: 'salesforce', objectType, recordId: id }, undefined, 'poll');

describe.each(testDialects)('associations on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, {
      settings: companiesAndDealsOn,
    });
  });
  afterEach(async () => h.destroy());

  async function account(name: string): Promise<string> {
    const { id } = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: name, Website: `https://${unique(name.toLowerCase())}.example.com` },
      { asUser: REP },
    );
    return id;
  }

  async function contactOf(accountId: string | null): Promise<string> {
    const { id } = await emulators.salesforce.control.createRecord(
      'Contact',
      { LastName: 'Lovelace', FirstName: 'Ada', Email: `${unique('ada')}@example.com`, AccountId: accountId },
      { asUser: REP },
    );
    return id;
  }

  async function hubspotIdOf(salesforceId: string): Promise<string> {
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, salesforceId);
    if (!link) throw new Error(`${salesforceId} is not linked`);
    return link.hubspotId;
  }

  async function companiesOf(objectType: 'contacts' | 'deals', id: string) {
    const record = await emulators.hubspot.control.record(h.portalId, objectType, id);
    return record.associations.companies ?? [];
  }

  async function primaryCompanyOf(objectType: 'contacts' | 'deals', id: string): Promise<string | null> {
    const primary = objectType === 'contacts' ? PRIMARY_CONTACT_TO_COMPANY : PRIMARY_DEAL_TO_COMPANY;
    const found = (await companiesOf(objectType, id)).find((entry) => entry.typeIds.includes(primary));
    return found?.id ?? null;
  }

  it("makes a new Contact's Account its HubSpot contact's primary company, Account first, and the echo writes nothing", async () => {
    const accountId = await account('Acme');
    const contactId = await contactOf(accountId);
    await markSalesforce(h, 'Contact', contactId);
    await markSalesforce(h, 'Account', accountId);
    await h.drain();

    const companyId = await hubspotIdOf(accountId);
    const hubspotContactId = await hubspotIdOf(contactId);
    expect(await primaryCompanyOf('contacts', hubspotContactId)).toBe(companyId);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);

    await h.resetCalls();
    await markSalesforce(h, 'Contact', contactId);
    await h.markHubspot(hubspotContactId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('waits for an Account that is not linked yet, writes no company, and completes once it is linked', async () => {
    const accountId = await account('Globex');
    const contactId = await contactOf(accountId);
    // Only the Contact changed (its Account's change was missed, say).
    await markSalesforce(h, 'Contact', contactId);
    await h.drain();

    const hubspotContactId = await hubspotIdOf(contactId);
    expect(await companiesOf('contacts', hubspotContactId)).toEqual([]);
    expect(
      await associationWaits.waitingFor(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: hubspotContactId,
      }),
    ).toEqual([{ side: 'salesforce', recordId: accountId }]);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);
    // The card says what it waits for.
    const status = await engine.recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, clients: h.deps.clients },
      h.installationId,
      { side: 'hubspot', objectType: 'contacts', recordId: hubspotContactId },
      { dryRun: true },
    );
    expect(status.dryRun?.fields.find((field) => field.key === 'primary_company')?.failureCode).toBe(
      'association_waiting',
    );

    // The Account syncs: its company is created and linked, and the contact that waited goes again.
    await markSalesforce(h, 'Account', accountId);
    await h.drain();
    const companyId = await hubspotIdOf(accountId);
    expect(await primaryCompanyOf('contacts', hubspotContactId)).toBe(companyId);
    expect(
      await associationWaits.waitingFor(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: hubspotContactId,
      }),
    ).toEqual([]);
  });

  it('moves the Contact to the Account of the company a rep made primary in HubSpot, and back', async () => {
    const [first, second] = [await account('Initech'), await account('Hooli')];
    const contactId = await contactOf(first);
    for (const id of [first, second, contactId])
      await markSalesforce(h, id === contactId ? 'Contact' : 'Account', id);
    await h.drain();
    const hubspotContactId = await hubspotIdOf(contactId);
    const secondCompany = await hubspotIdOf(second);

    await emulators.hubspot.control
      .asUser(h.portalId)
      .associate('contacts', hubspotContactId, 'companies', secondCompany, { primary: true });
    await h.markHubspot(hubspotContactId);
    await h.drain();
    expect((await emulators.salesforce.control.getRecord(contactId)).AccountId).toBe(second);

    // And a rep moving the Contact in Salesforce moves the primary company in HubSpot.
    await emulators.salesforce.control.updateRecord(contactId, { AccountId: first }, { asUser: REP });
    await markSalesforce(h, 'Contact', contactId);
    await h.drain();
    expect(await primaryCompanyOf('contacts', hubspotContactId)).toBe(await hubspotIdOf(first));
    // The company that stopped being primary stays associated: only the label moved.
    expect((await companiesOf('contacts', hubspotContactId)).map((entry) => entry.id)).toContain(
      secondCompany,
    );
  });

  it("makes an Opportunity's Account its deal's primary company, and a deal's new primary company its Account", async () => {
    const [first, second] = [await account('Umbrella'), await account('Wayne')];
    const { id: opportunityId } = await emulators.salesforce.control.createRecord(
      'Opportunity',
      { Name: 'Rocket order', StageName: 'Prospecting', CloseDate: '2027-03-31', AccountId: first },
      { asUser: REP },
    );
    for (const id of [first, second]) await markSalesforce(h, 'Account', id);
    await markSalesforce(h, 'Opportunity', opportunityId);
    await h.drain();
    const dealId = await hubspotIdOf(opportunityId);
    expect(await primaryCompanyOf('deals', dealId)).toBe(await hubspotIdOf(first));

    await emulators.hubspot.control
      .asUser(h.portalId)
      .associate('deals', dealId, 'companies', await hubspotIdOf(second), { primary: true });
    await h.mark({ side: 'hubspot', objectType: 'deals', recordId: dealId });
    await h.drain();
    expect((await emulators.salesforce.control.getRecord(opportunityId)).AccountId).toBe(second);
  });
  it("follows a Lead's conversion: the contact's company becomes the Account, never a second company, and the Opportunity a deal of that company", async () => {
    const company = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('companies', { name: 'Acme Rockets', domain: `${unique('acme')}.example.com` });
    const contact = await emulators.hubspot.control.asUser(h.portalId).create('contacts', {
      email: `${unique('lee')}@example.com`,
      lastname: 'Lee',
      company: 'Acme Rockets',
    });
    await emulators.hubspot.control
      .asUser(h.portalId)
      .associate('contacts', contact.id, 'companies', company.id, { primary: true });
    await h.markHubspot(contact.id);
    await h.drain();
    const leadId = (await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id))
      ?.salesforceId as string;
    expect(leadId.startsWith('00Q')).toBe(true);

    const converted = await emulators.salesforce.control.convertLead(leadId, {
      createOpportunity: true,
      opportunityName: 'Acme Rockets - first order',
    });
    await markSalesforce(h, 'Contact', converted.contactId);
    await h.mark({ side: 'salesforce', objectType: 'Lead', recordId: leadId }, undefined, 'poll');
    await h.drain();

    // The Account is the contact's company: linked, not created again.
    const accountLink = await links.findActiveBySalesforce(
      h.testDb.db,
      h.installationId,
      converted.accountId,
    );
    expect(accountLink).toMatchObject({ hubspotId: company.id, origin: 'converted' });
    const companies = await h.hubspot.crm.companies.basicApi.getPage(100);
    expect(companies.results.filter((found) => found.properties.name?.startsWith('Acme'))).toHaveLength(1);
    expect(await primaryCompanyOf('contacts', contact.id)).toBe(company.id);
    // The Opportunity is a deal of that company.
    const dealId = await hubspotIdOf(converted.opportunityId as string);
    expect(await primaryCompanyOf('deals', dealId)).toBe(company.id);
    // Its contact role makes the contact one of the deal's contacts.
    const dealContacts = (await emulators.hubspot.control.record(h.portalId, 'deals', dealId)).associations
      .contacts;
    expect(dealContacts?.map((entry) => entry.id)).toEqual([contact.id]);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);
  });
  it("links a converted Lead's new Account to the HubSpot company that has its domain, never a second company", async () => {
    const domain = `${unique('globex')}.example.com`;
    // The company exists in HubSpot, but it is not the contact's company (the contact has none).
    const company = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('companies', { name: 'Globex', domain });
    const lead = await emulators.salesforce.control.createRecord(
      'Lead',
      {
        LastName: 'Mouse',
        Company: 'Globex',
        Email: `${unique('mouse')}@example.com`,
        Website: `https://www.${domain}/about`,
      },
      { asUser: REP },
    );
    await h.mark({ side: 'salesforce', objectType: 'Lead', recordId: lead.id }, undefined, 'poll');
    await h.drain();
    const contactId = await hubspotIdOf(lead.id);

    const converted = await emulators.salesforce.control.convertLead(lead.id, { createOpportunity: false });
    await h.mark({ side: 'salesforce', objectType: 'Lead', recordId: lead.id }, undefined, 'poll');
    await h.drain();

    // The new Account matched the company by its domain: linked, not created again.
    expect(await hubspotIdOf(converted.accountId)).toBe(company.id);
    const { results } = await emulators.hubspot.control.records(h.portalId, 'companies');
    expect(results.filter((found) => found.properties.domain === domain)).toHaveLength(1);
    expect(await primaryCompanyOf('contacts', contactId)).toBe(company.id);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);
  });

  it("follows a Lead converted into an existing Account: the contact's company becomes that Account's company", async () => {
    const accountId = await account('Initech');
    await markSalesforce(h, 'Account', accountId);
    await h.drain();
    const companyId = await hubspotIdOf(accountId);
    const lead = await emulators.salesforce.control.createRecord(
      'Lead',
      { LastName: 'Lumbergh', Company: 'Initech', Email: `${unique('bill')}@example.com` },
      { asUser: REP },
    );
    await h.mark({ side: 'salesforce', objectType: 'Lead', recordId: lead.id }, undefined, 'poll');
    await h.drain();
    const contactId = await hubspotIdOf(lead.id);
    expect(await companiesOf('contacts', contactId)).toEqual([]);

    const converted = await emulators.salesforce.control.convertLead(lead.id, {
      accountId,
      createOpportunity: false,
    });
    await h.mark({ side: 'salesforce', objectType: 'Lead', recordId: lead.id }, undefined, 'poll');
    await h.drain();

    expect(await hubspotIdOf(converted.contactId)).toBe(contactId);
    expect(await primaryCompanyOf('contacts', contactId)).toBe(companyId);
    const { results } = await emulators.hubspot.control.records(h.portalId, 'companies');
    expect(results.filter((found) => found.properties.name === 'Initech')).toHaveLength(1);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);
  });

  it("syncs a deal's contacts with its Opportunity's contact roles both ways, waiting for a contact not linked yet", async () => {
    const accountId = await account('Stark');
    const [first, second, third] = [
      await contactOf(accountId),
      await contactOf(accountId),
      await contactOf(accountId),
    ];
    const { id: opportunityId } = await emulators.salesforce.control.createRecord(
      'Opportunity',
      { Name: 'Suits', StageName: 'Prospecting', CloseDate: '2027-05-01', AccountId: accountId },
      { asUser: REP },
    );
    await emulators.salesforce.control.createRecord(
      'OpportunityContactRole',
      { OpportunityId: opportunityId, ContactId: first },
      { asUser: REP },
    );
    await markSalesforce(h, 'Account', accountId);
    for (const id of [first, second]) await markSalesforce(h, 'Contact', id);
    await markSalesforce(h, 'Opportunity', opportunityId);
    await h.drain();
    const dealId = await hubspotIdOf(opportunityId);
    const contactsOfDeal = async () =>
      ((await emulators.hubspot.control.record(h.portalId, 'deals', dealId)).associations.contacts ?? [])
        .map((entry) => entry.id)
        .sort();
    expect(await contactsOfDeal()).toEqual([await hubspotIdOf(first)]);

    // A rep adds the second contact to the deal in HubSpot: it becomes a contact role.
    await emulators.hubspot.control
      .asUser(h.portalId)
      .associate('deals', dealId, 'contacts', await hubspotIdOf(second));
    await h.mark({ side: 'hubspot', objectType: 'deals', recordId: dealId });
    await h.drain();
    const roles = async () =>
      (
        await h.salesforce.query<{ ContactId: string }>(
          `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = '${opportunityId}'`,
        )
      ).records
        .map((role) => role.ContactId)
        .sort();
    expect(await roles()).toEqual([first, second].sort());

    // A role for a Contact not synced yet waits (nothing written, nothing failed), then completes.
    await emulators.salesforce.control.createRecord(
      'OpportunityContactRole',
      { OpportunityId: opportunityId, ContactId: third },
      { asUser: REP },
    );
    await markSalesforce(h, 'Opportunity', opportunityId);
    await h.drain();
    expect(await contactsOfDeal()).toHaveLength(2);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);
    await markSalesforce(h, 'Contact', third);
    await h.drain();
    expect(await contactsOfDeal()).toEqual(
      [await hubspotIdOf(first), await hubspotIdOf(second), await hubspotIdOf(third)].sort(),
    );

    // Removing the first contact from the deal in HubSpot deletes its role; the echo writes nothing.
    await emulators.hubspot.control
      .asUser(h.portalId)
      .dissociate('deals', dealId, 'contacts', await hubspotIdOf(first));
    await h.mark({ side: 'hubspot', objectType: 'deals', recordId: dealId });
    await h.drain();
    expect(await roles()).toEqual([second, third].sort());
    await h.resetCalls();
    await h.mark({ side: 'hubspot', objectType: 'deals', recordId: dealId });
    await markSalesforce(h, 'Opportunity', opportunityId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });
});
