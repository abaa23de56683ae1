/**
 * Faults while companies, deals and their associations sync: HubSpot 429s, 5xx, answers that never come in
 * time and dropped connections (object and association calls alike), Salesforce outages, locked rows and
 * failing queries, each failing once, while people move contacts and deals between companies on both sides.
 * In the end every association is right on both sides (a contact's primary company is its Contact's
 * Account, a deal's its Opportunity's, a deal's contacts its Opportunity's contact roles), nothing was
 * created twice, nothing waits and nothing is left in failures.
 */
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { seededRandom } from '../../support/seededRandom';
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

/** Companies and deals on; a new HubSpot contact becomes a Contact (a Lead has no Account). */
const associationsOn = (defaults: SettingsInput): SettingsInput => {
  for (const object of [defaults.objects.companies, defaults.objects.deals]) {
    if (object) object.enabled = true;
  }
  defaults.objects.contacts.createInSalesforce = { default: 'Contact', rules: [] };
  return defaults;
};

const REP = 'rep@sandbox.example';
const COLLECTION = '/services/data/vXX.X/composite/sobjects';
const PRIMARY_CONTACT_TO_COMPANY = 1;
const PRIMARY_DEAL_TO_COMPANY = 5;

const hubspotFaults = [
  { match: 'POST /crm/v3/objects/*/batch/read', kind: '429' },
  { match: 'POST /crm/v3/objects/*/batch/update', kind: '503' },
  { match: 'POST /crm/v3/objects/*/batch/upsert', kind: '502' },
  { match: 'POST /crm/v3/objects/*/batch/*', kind: 'slow', delayMs: 700 },
  { match: 'POST /crm/v3/objects/*/batch/read', kind: 'disconnect' },
  { match: 'POST /crm/v4/associations/*/batch/read', kind: '429' },
  { match: 'POST /crm/v4/associations/*', kind: '503' },
  { match: 'POST /crm/v4/associations/*', kind: 'slow', delayMs: 700 },
] as const;

const salesforceFaults = [
  { kind: 'http_error', status: 503, route: COLLECTION, method: 'PATCH' },
  { kind: 'http_error', status: 503, route: COLLECTION, method: 'POST' },
  { kind: 'unable_to_lock_row', route: `${COLLECTION}*`, recordIndexes: [0] as number[] },
  { kind: 'slow', delayMs: 700, route: `${COLLECTION}*` },
  { kind: 'http_error', status: 500, route: '/services/data/vXX.X/query*' },
] as const;

type SalesforceType = 'Account' | 'Contact' | 'Opportunity';

describe.each(testDialects)('faults with companies, deals and their associations (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    await hubspotEmulator.control.clearFaults();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, {
      callTimeoutMs: 300,
      settings: associationsOn,
    });
  });
  afterEach(async () => {
    await hubspotEmulator.control.clearFaults();
    await salesforceEmulator.control.clearFaults();
    await h.destroy();
  });

  const hubspot = () => hubspotEmulator.control.asUser(h.portalId);
  const salesforce = () => salesforceEmulator.control;
  const markSalesforce = (objectType: SalesforceType, recordId: string) =>
    h.mark({ side: 'salesforce', objectType, recordId }, undefined, 'poll');
  const markHubspot = (objectType: 'companies' | 'contacts' | 'deals', recordId: string) =>
    h.mark({ side: 'hubspot', objectType, recordId });

  async function hubspotIdOf(salesforceId: string): Promise<string> {
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, salesforceId);
    if (!link) throw new Error(`${salesforceId} is not linked`);
    return link.hubspotId;
  }
  async function salesforceIdOf(objectType: 'companies' | 'contacts' | 'deals', id: string) {
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, objectType, id);
    if (!link) throw new Error(`${objectType} ${id} is not linked`);
    return link.salesforceId;
  }
  async function primaryCompanyOf(objectType: 'contacts' | 'deals', id: string): Promise<string | null> {
    const primary = objectType === 'contacts' ? PRIMARY_CONTACT_TO_COMPANY : PRIMARY_DEAL_TO_COMPANY;
    const record = await hubspotEmulator.control.record(h.portalId, objectType, id);
    return (record.associations.companies ?? []).find((entry) => entry.typeIds.includes(primary))?.id ?? null;
  }
  const live = async (objectType: string) =>
    (await hubspotEmulator.control.records(h.portalId, objectType)).results.filter(
      (record) => !record.archived,
    );
  const count = async (soql: string) => (await h.salesforce.query(soql)).totalSize;

  it('converges: every association ends right on both sides, and nothing is created twice', async () => {
    const pick = seededRandom(20261208);
    const choose = <T>(items: readonly T[]): T => items[Math.floor(pick() * items.length)] as T;
    const injectFaults = async () => {
      await hubspotEmulator.control.addFault({ ...choose(hubspotFaults) });
      await salesforceEmulator.control.addFault({ ...choose(salesforceFaults) });
    };

    // Salesforce: three Accounts, each with two Contacts and an Opportunity whose contact role is the first.
    const accountIds: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const { id: accountId } = await salesforce().createRecord(
        'Account',
        { Name: `Sf account ${index}`, Website: `https://sf${index}.faults.example` },
        { asUser: REP },
      );
      accountIds.push(accountId);
      await markSalesforce('Account', accountId);
      const contactIds: string[] = [];
      for (let n = 0; n < 2; n += 1) {
        const { id } = await salesforce().createRecord(
          'Contact',
          { LastName: `Sf ${index}.${n}`, Email: `sf${index}.${n}@faults.example`, AccountId: accountId },
          { asUser: REP },
        );
        contactIds.push(id);
        await markSalesforce('Contact', id);
      }
      const { id: opportunityId } = await salesforce().createRecord(
        'Opportunity',
        { Name: `Sf deal ${index}`, StageName: 'Prospecting', CloseDate: '2027-05-01', AccountId: accountId },
        { asUser: REP },
      );
      await salesforce().createRecord(
        'OpportunityContactRole',
        { OpportunityId: opportunityId, ContactId: contactIds[0] },
        { asUser: REP },
      );
      await markSalesforce('Opportunity', opportunityId);
    }
    // HubSpot: two companies, each with two contacts (primary) and a deal of it with its first contact.
    for (let index = 0; index < 2; index += 1) {
      const company = await hubspot().create('companies', {
        name: `Hs company ${index}`,
        domain: `hs${index}.faults.example`,
      });
      await markHubspot('companies', company.id);
      const contactIds: string[] = [];
      for (let n = 0; n < 2; n += 1) {
        const contact = await hubspot().create('contacts', {
          email: `hs${index}.${n}@faults.example`,
          lastname: `Hs ${index}.${n}`,
        });
        await hubspot().associate('contacts', contact.id, 'companies', company.id, { primary: true });
        contactIds.push(contact.id);
        await markHubspot('contacts', contact.id);
      }
      const deal = await hubspot().create('deals', {
        dealname: `Hs deal ${index}`,
        amount: '1000',
        closedate: String(Date.UTC(2027, 4, 1, 12)),
        dealstage: 'appointmentscheduled',
        pipeline: 'default',
      });
      await hubspot().associate('deals', deal.id, 'companies', company.id, { primary: true });
      await hubspot().associate('deals', deal.id, 'contacts', contactIds[0] as string);
      await markHubspot('deals', deal.id);
    }
    await injectFaults();
    await h.drain();

    const companies = (await live('companies')).map((record) => record.id);
    const contacts = (await live('contacts')).map((record) => record.id);
    const deals = (await live('deals')).map((record) => record.id);
    expect([companies.length, contacts.length, deals.length]).toEqual([5, 10, 5]);

    // People move contacts and deals between companies, each record on one side per round.
    for (let round = 0; round < 4; round += 1) {
      const moved = new Set<string>();
      for (let move = 0; move < 4; move += 1) {
        const objectType = move === 3 ? 'deals' : 'contacts';
        const id = choose(objectType === 'deals' ? deals : contacts);
        if (moved.has(id)) continue;
        moved.add(id);
        const company = choose(companies);
        const inHubspot = pick() < 0.5;
        if (inHubspot) {
          await hubspot().associate(objectType, id, 'companies', company, { primary: true });
          await markHubspot(objectType, id);
        } else {
          const salesforceId = await salesforceIdOf(objectType, id);
          await salesforce().updateRecord(
            salesforceId,
            { AccountId: await salesforceIdOf('companies', company) },
            { asUser: REP },
          );
          await markSalesforce(objectType === 'deals' ? 'Opportunity' : 'Contact', salesforceId);
        }
      }
      await injectFaults();
      await h.drain();
    }
    await hubspotEmulator.control.clearFaults();
    await salesforceEmulator.control.clearFaults();
    await h.drain();

    // Nothing created twice on either side.
    expect([(await live('companies')).length, (await live('contacts')).length]).toEqual([5, 10]);
    expect((await live('deals')).length).toBe(5);
    expect(await count('SELECT Id FROM Account')).toBe(5);
    expect(await count('SELECT Id FROM Contact')).toBe(10);
    expect(await count('SELECT Id FROM Lead')).toBe(0);
    expect(await count('SELECT Id FROM Opportunity')).toBe(5);
    // Every association is right on both sides.
    for (const id of contacts) {
      const contact = await salesforce().getRecord(await salesforceIdOf('contacts', id));
      expect({ contact: id, company: await primaryCompanyOf('contacts', id) }).toEqual({
        contact: id,
        company: await hubspotIdOf(contact.AccountId as string),
      });
    }
    for (const id of deals) {
      const opportunityId = await salesforceIdOf('deals', id);
      const opportunity = await salesforce().getRecord(opportunityId);
      expect({ deal: id, company: await primaryCompanyOf('deals', id) }).toEqual({
        deal: id,
        company: await hubspotIdOf(opportunity.AccountId as string),
      });
      const roles = await h.salesforce.query<{ ContactId: string }>(
        `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = '${opportunityId}'`,
      );
      const roleContacts = await Promise.all(roles.records.map((role) => hubspotIdOf(role.ContactId)));
      const dealContacts = (await hubspotEmulator.control.record(h.portalId, 'deals', id)).associations
        .contacts;
      expect((dealContacts ?? []).map((entry) => entry.id).sort()).toEqual(roleContacts.sort());
      expect(roleContacts).toHaveLength(1);
    }
    expect(await h.testDb.db('failures').whereNot({ state: 'resolved' })).toEqual([]);
    expect(await h.testDb.db('association_waits')).toEqual([]);
    expect(await h.testDb.db('dirty').whereNot({ state: 'done' })).toEqual([]);
    // Faults were met and retried.
    expect(h.logger.lines.some((line) => /attempt 1 of 8 failed/.test(line.message))).toBe(true);
  });
});
