/**
 * Association changes that leave the record itself untouched, through change detection and the sync worker
 * from a real install: a contact role added, changed or taken along by its Contact's delete in Salesforce
 * (the Opportunity's stamps do not move) reaches the HubSpot deal through the contact-role poll; a HubSpot
 * association change whose webhook was lost reaches Salesforce through the HubSpot poll, since HubSpot's own
 * `associatedcompanyid` / `num_associated_contacts` move the record's last-modified date.
 */
import * as links from '../../../src/db/links';
import * as settingsTable from '../../../src/db/settings';
import { pollContactRoles, type ContactRolePollOutcome } from '../../../src/changes/contactRolePoll';
import { pollSalesforce } from '../../../src/changes/salesforcePoll';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { HUBSPOT_APP_ID, startChangeHarness, type ChangeHarness } from './harness';

const REP = 'rep@sandbox.example';

describe.each(testDialects)('association changes through change detection on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  const portalId = 3951;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    const current = await settingsTable.current(harness.testDb.db, installationId, (raw) => raw);
    const document = structuredClone(defaultSettingsInput);
    for (const object of [document.objects.companies, document.objects.deals]) {
      if (object) object.enabled = true;
    }
    const saved = await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: document as unknown as Record<string, never>,
        createdBy: `admin@portal${portalId}.example.com`,
        baseVersion: current?.version ?? 0,
      },
      harness.clock.now(),
    );
    if (!saved.ok) throw new Error('settings were not saved');
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const sf = () => harness.salesforce.control;

  async function hubspotIdOf(salesforceId: string): Promise<string> {
    const link = await links.findActiveBySalesforce(harness.testDb.db, installationId, salesforceId);
    if (!link) throw new Error(`${salesforceId} is not linked`);
    return link.hubspotId;
  }

  async function dealContacts(dealId: string): Promise<string[]> {
    const record = await harness.hubspot.control.record(portalId, 'deals', dealId);
    return (record.associations.contacts ?? []).map((entry) => entry.id).sort();
  }

  /** The contact-role queries of a poll run (besides them, a run may ask for deleted roles once). */
  const rolesQueries = (outcome: ContactRolePollOutcome | null) =>
    outcome ? outcome.calls - outcome.deletedRoleCalls : null;

  /** One Salesforce poll run, as the dispatcher runs it, then the worker drains what it marked. */
  async function pollSalesforceNow() {
    await harness.advanceTime(61_000);
    const run = await pollSalesforce(harness.deps, installationId);
    await harness.drained(installationId);
    return run;
  }

  it("brings a contact role added, moved to another Contact, or taken along by its Contact's delete to the deal", async () => {
    const contact = await sf().createRecord(
      'Contact',
      { LastName: 'Buyer', FirstName: 'Bea', Email: 'bea@roles.example' },
      { asUser: REP },
    );
    const other = await sf().createRecord(
      'Contact',
      { LastName: 'Signer', FirstName: 'Sid', Email: 'sid@roles.example' },
      { asUser: REP },
    );
    const opportunity = await sf().createRecord(
      'Opportunity',
      { Name: 'Roles deal', StageName: 'Prospecting', CloseDate: '2027-01-01' },
      { asUser: REP },
    );
    const first = await pollSalesforceNow();
    // The first contact-role run starts after the newest role: every Opportunity is read anyway.
    expect(first.contactRoles).toMatchObject({
      initial: true,
      calls: 1,
      deletedRoleCalls: 0,
      handedOver: 0,
    });
    const dealId = await hubspotIdOf(opportunity.id);
    const contactId = await hubspotIdOf(contact.id);
    const otherId = await hubspotIdOf(other.id);
    expect(await dealContacts(dealId)).toEqual([]);
    // The bridge's own writes (the cross-ids) stamped the records: let the polls see those first.
    await pollSalesforceNow();

    const role = await sf().createRecord(
      'OpportunityContactRole',
      { OpportunityId: opportunity.id, ContactId: contact.id },
      { asUser: REP },
    );
    const added = await pollSalesforceNow();
    // The Opportunity itself did not change: only the contact-role poll finds it, with one query.
    expect(
      added.byObject.find((entry) => entry.type === 'Opportunity' && entry.kind === 'changes')?.outcome,
    ).toMatchObject({ handedOver: 0 });
    expect(added.contactRoles).toMatchObject({ initial: false, read: 1, handedOver: 1 });
    expect(rolesQueries(added.contactRoles)).toBe(1);
    expect(await dealContacts(dealId)).toEqual([contactId]);

    await sf().updateRecord(role.id, { ContactId: other.id }, { asUser: REP });
    const moved = await pollSalesforceNow();
    expect(moved.contactRoles).toMatchObject({ read: 1, handedOver: 1 });
    expect(rolesQueries(moved.contactRoles)).toBe(1);
    expect(await dealContacts(dealId)).toEqual([otherId]);

    // Deleting the Contact takes its role along into the recycle bin, where queryAll still sees it.
    await sf().deleteRecord(other.id, { asUser: REP });
    const taken = await pollSalesforceNow();
    expect(taken.contactRoles).toMatchObject({ read: 1, handedOver: 1 });
    expect(rolesQueries(taken.contactRoles)).toBe(1);
    expect(await dealContacts(dealId)).not.toContain(otherId);
  });

  it("brings a contact's new primary company and a deal's new contact to Salesforce through the HubSpot poll when their webhooks were lost", async () => {
    const acme = await sf().createRecord(
      'Account',
      { Name: 'Acme', Website: 'https://acme-assoc.example.com' },
      { asUser: REP },
    );
    const globex = await sf().createRecord(
      'Account',
      { Name: 'Globex', Website: 'https://globex-assoc.example.com' },
      { asUser: REP },
    );
    const contact = await sf().createRecord(
      'Contact',
      { LastName: 'Mover', FirstName: 'Mo', Email: 'mo@acme-assoc.example.com', AccountId: acme.id },
      { asUser: REP },
    );
    const opportunity = await sf().createRecord(
      'Opportunity',
      { Name: 'Moves deal', StageName: 'Prospecting', CloseDate: '2027-01-01', AccountId: acme.id },
      { asUser: REP },
    );
    await pollSalesforceNow();
    await harness.pollAll();
    await harness.drained(installationId);
    const contactId = await hubspotIdOf(contact.id);
    const dealId = await hubspotIdOf(opportunity.id);
    const globexId = await hubspotIdOf(globex.id);
    expect(await dealContacts(dealId)).toEqual([]);

    const person = harness.hubspot.control.asUser(portalId);
    await harness.hubspot.control.dropWebhookDeliveries(HUBSPOT_APP_ID, 10);
    await person.associate('contacts', contactId, 'companies', globexId, { primary: true });
    await person.associate('deals', dealId, 'contacts', contactId);
    await harness.hubspot.control.waitForWebhooksIdle();
    const log = (await harness.hubspot.control.deliveries({ appId: HUBSPOT_APP_ID })).results;
    expect(log.at(-1)).toMatchObject({ outcome: 'failed', next: 'dropped' });
    expect((await sf().getRecord(contact.id)).AccountId).toBe(acme.id);

    await harness.pollAll();
    await harness.drained(installationId);
    expect((await sf().getRecord(contact.id)).AccountId).toBe(globex.id);
    const salesforce = await harness.salesforceOf(installationId);
    const roles = await salesforce.query<{ ContactId: string }>(
      `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = '${opportunity.id}'`,
    );
    expect(roles.records.map((row) => row.ContactId)).toEqual([contact.id]);

    // Taken off the deal in HubSpot (that webhook is lost too; the poll finds the deal): the bridge deletes the
    // role, and its own delete brings nothing back.
    const roleId = (
      await salesforce.query<{ Id: string }>(
        `SELECT Id FROM OpportunityContactRole WHERE OpportunityId = '${opportunity.id}'`,
      )
    ).records[0]!.Id;
    await person.dissociate('deals', dealId, 'contacts', contactId);
    await harness.pollAll();
    await harness.drained(installationId);
    const left = await salesforce.query(
      `SELECT Id FROM OpportunityContactRole WHERE OpportunityId = '${opportunity.id}'`,
    );
    expect(left.totalSize).toBe(0);
    await harness.advanceTime(3 * 60_000);
    const after = await pollSalesforceNow();
    expect(after.contactRoles).toMatchObject({ deletedRoleCalls: 1, handedOver: 0 });
    expect(
      await harness.testDb
        .db('contact_roles_seen')
        .where({ installation_id: installationId, role_id: roleId.slice(0, 15) }),
    ).toEqual([]);
  });

  it('walks contact roles written in one second in keyset pages, each role once, and skips them when read again', async () => {
    await pollSalesforceNow();
    const contacts = await sf().createRecords(
      'Contact',
      Array.from({ length: 5 }, (_, n) => ({ LastName: `Bulk ${n}`, Email: `bulk${n}@roles.example` })),
      { asUser: REP },
    );
    const [opportunityA, opportunityB] = await sf().createRecords(
      'Opportunity',
      ['A', 'B'].map((name) => ({ Name: `Bulk ${name}`, StageName: 'Prospecting', CloseDate: '2027-01-01' })),
      { asUser: REP },
    );
    await pollSalesforceNow();
    await pollSalesforceNow();
    // Five roles in one second, as a data load writes them.
    await sf().createRecords(
      'OpportunityContactRole',
      contacts.map((contactId, n) => ({
        OpportunityId: n < 3 ? opportunityA : opportunityB,
        ContactId: contactId,
      })),
      { asUser: REP },
    );
    await harness.advanceTime(1_000);
    const walked = await pollContactRoles(harness.deps, installationId, { pageSize: 2 });
    // The overlap reads the role last handed over again (skipped), so pages of 2 hold the five new ones and it;
    // every page that filled its LIMIT is followed by one after its last role, down to a short or empty one.
    expect(walked).toMatchObject({ complete: true, stalled: false, handedOver: 5 });
    expect(walked.read).toBeGreaterThanOrEqual(5);
    expect(rolesQueries(walked)).toBe(Math.floor(walked.read / 2) + 1);
    const marked = (await harness.dirtyRows(installationId))
      .filter((row) => row.record.objectType === 'Opportunity')
      .map((row) => row.record.recordId)
      .sort();
    expect(marked).toEqual([opportunityA, opportunityB].sort());
    // Within the overlap the same roles are read again, and none is handed over twice.
    const again = await pollContactRoles(harness.deps, installationId, { pageSize: 2 });
    expect(again).toMatchObject({ read: 5, handedOver: 0 });
    await harness.drained(installationId);
    const hubspotContacts = await Promise.all(contacts.map((id) => hubspotIdOf(id)));
    expect(await dealContacts(await hubspotIdOf(opportunityA!))).toEqual(hubspotContacts.slice(0, 3).sort());
  });

  it('brings a contact role deleted on its own to the deal through the replication API, once its window is two minutes long', async () => {
    const contact = await sf().createRecord(
      'Contact',
      { LastName: 'Leaver', FirstName: 'Lee', Email: 'lee@roles.example' },
      { asUser: REP },
    );
    const opportunity = await sf().createRecord(
      'Opportunity',
      { Name: 'Leaving deal', StageName: 'Prospecting', CloseDate: '2027-01-01' },
      { asUser: REP },
    );
    const role = await sf().createRecord(
      'OpportunityContactRole',
      { OpportunityId: opportunity.id, ContactId: contact.id },
      { asUser: REP },
    );
    await pollSalesforceNow();
    await pollSalesforceNow();
    const dealId = await hubspotIdOf(opportunity.id);
    expect(await dealContacts(dealId)).toEqual([await hubspotIdOf(contact.id)]);

    await sf().deleteRecord(role.id, { asUser: REP });
    await harness.advanceTime(3 * 60_000);
    const run = await pollSalesforceNow();
    // The roles query sees nothing (the role is in no bin); the deleted-roles call names it.
    expect(run.contactRoles).toMatchObject({ deletedRoleCalls: 1, handedOver: 1 });
    expect(await dealContacts(dealId)).toEqual([]);
    const seen = await harness.testDb
      .db('contact_roles_seen')
      .where({ installation_id: installationId, role_id: role.id.slice(0, 15) });
    expect(seen).toEqual([]);
  });

  it('polls the records even when Salesforce refuses the contact-role query', async () => {
    const contact = await sf().createRecord(
      'Contact',
      { LastName: 'Refused', Email: 'refused@roles.example' },
      { asUser: REP },
    );
    await pollSalesforceNow();
    await sf().updateRecord(contact.id, { Title: 'Seen anyway' }, { asUser: REP });
    // The roles query is the run's first queryAll.
    await sf().addFault({
      kind: 'http_error',
      status: 403,
      route: '/services/data/vXX.X/queryAll',
      times: 1,
    });
    await harness.advanceTime(61_000);
    const run = await pollSalesforce(harness.deps, installationId);
    expect(run.contactRoles).toBeNull();
    expect(
      run.byObject.find((entry) => entry.type === 'Contact' && entry.kind === 'changes')?.outcome,
    ).toMatchObject({ complete: true });
    await harness.drained(installationId);
    const hubspot = await harness.hubspot.control.record(portalId, 'contacts', await hubspotIdOf(contact.id));
    expect(hubspot.properties.jobtitle).toBe('Seen anyway');
  });
});
