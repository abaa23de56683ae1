/**
 * Companies ⇄ Accounts through both emulators and the real SDKs: creates each way with the shipped
 * mapping (industry through its value map, the domain as the Website), edits each way, a company matched to
 * an existing Account by web domain instead of creating one, two Accounts with one domain left for a person,
 * and a batch that mixes companies and contacts.
 */
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import * as engine from '../../../src/sync/engineApi';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();

const companiesOn = (defaults: SettingsInput): SettingsInput => {
  const companies = defaults.objects.companies;
  if (companies) companies.enabled = true;
  return defaults;
};

let sequence = 0;
const uniqueDomain = (name: string) => `${name}-${Date.now().toString(36)}-${(sequence += 1)}.example.com`;

const markCompany = (h: Harness, id: string) =>
  h.mark({ side: 'hubspot', objectType: 'companies', recordId: id });
const markAccount = (h: Harness, id: string) =>
  h.mark({ side: 'salesforce', objectType: 'Account', recordId: id }, undefined, 'poll');

describe.each(testDialects)('companies ⇄ Accounts on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    // A new portal numbers its records from the start again: a fresh org keeps cross-ids apart.
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, { settings: companiesOn });
  });
  afterEach(async () => h.destroy());

  it('creates an Account for a new company, with the mapped values, and the echo writes nothing', async () => {
    const domain = uniqueDomain('acme');
    const company = await emulators.hubspot.control.asUser(h.portalId).create('companies', {
      name: 'Acme Rockets',
      domain,
      industry: 'COMPUTER_SOFTWARE',
      numberofemployees: '250',
      city: 'Springfield',
    });
    await markCompany(h, company.id);
    await h.drain();

    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id);
    expect(link).toMatchObject({ salesforceObjectType: 'Account', state: 'active' });
    const accountId = link?.salesforceId as string;
    const account = await emulators.salesforce.control.getRecord(accountId);
    expect(account).toMatchObject({
      Name: 'Acme Rockets',
      Website: domain,
      Industry: 'Technology',
      NumberOfEmployees: 250,
      BillingCity: 'Springfield',
      HubSpot_Id__c: company.id,
    });
    const stored = await emulators.hubspot.control.record(h.portalId, 'companies', company.id);
    expect(stored.properties.salesforce_record_id).toBe(accountId);

    // The echo of both writes comes back: nothing to write.
    await h.resetCalls();
    await markCompany(h, company.id);
    await markAccount(h, accountId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('creates a company for a new Account, its Website read as the bare domain', async () => {
    const domain = uniqueDomain('globex');
    const { id } = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: 'Globex', Website: `https://www.${domain}/about`, Industry: 'Finance', AnnualRevenue: 1200000 },
      { asUser: 'rep@sandbox.example' },
    );
    await markAccount(h, id);
    await h.drain();

    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, id);
    expect(link).toMatchObject({ hubspotObjectType: 'companies', state: 'active' });
    const company = await emulators.hubspot.control.record(
      h.portalId,
      'companies',
      link?.hubspotId as string,
    );
    expect(company.properties).toMatchObject({
      name: 'Globex',
      domain,
      industry: 'FINANCIAL_SERVICES',
      annualrevenue: '1200000',
      salesforce_record_id: id,
    });
    // The Website keeps what the rep typed: the bare domain is the same company.
    expect((await emulators.salesforce.control.getRecord(id)).Website).toBe(`https://www.${domain}/about`);
  });

  it("shows each side's industry on the card as that side holds it, agreeing through the value map", async () => {
    const company = await emulators.hubspot.control.asUser(h.portalId).create('companies', {
      name: 'Springfield Power',
      domain: uniqueDomain('power'),
      industry: 'UTILITIES',
    });
    await markCompany(h, company.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id);
    // UTILITIES is in the group whose Salesforce value is written first: "Energy".
    expect((await emulators.salesforce.control.getRecord(link!.salesforceId)).Industry).toBe('Energy');

    const status = await engine.recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, clients: h.deps.clients },
      h.installationId,
      { side: 'hubspot', objectType: 'companies', recordId: company.id },
      { dryRun: true },
    );
    const industry = status.dryRun?.fields.find((field) => field.key === 'industry');
    expect(industry).toMatchObject({
      hubspotDisplay: 'UTILITIES',
      salesforceDisplay: 'Energy',
      decision: { action: 'nothing' },
    });
  });

  it('carries edits each way', async () => {
    const company = await emulators.hubspot.control.asUser(h.portalId).create('companies', {
      name: 'Initech',
      domain: uniqueDomain('initech'),
    });
    await markCompany(h, company.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id);
    const accountId = link?.salesforceId as string;

    await emulators.hubspot.control
      .asUser(h.portalId)
      .update('companies', company.id, { name: 'Initech Inc.' });
    await markCompany(h, company.id);
    await h.drain();
    expect((await emulators.salesforce.control.getRecord(accountId)).Name).toBe('Initech Inc.');

    await emulators.salesforce.control.updateRecord(
      accountId,
      { NumberOfEmployees: 42, Phone: '+1 415 555 0100' },
      { asUser: 'rep@sandbox.example' },
    );
    await markAccount(h, accountId);
    await h.drain();
    const after = await emulators.hubspot.control.record(h.portalId, 'companies', company.id);
    expect(after.properties).toMatchObject({ numberofemployees: '42', name: 'Initech Inc.' });
    expect(after.properties.phone).toMatch(/415/);
  });

  it('links a company to the Account that has its domain instead of creating one', async () => {
    const domain = uniqueDomain('umbrella');
    const { id: accountId } = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: 'Umbrella Corp', Website: `http://www.${domain}/en` },
      { asUser: 'rep@sandbox.example' },
    );
    const company = await emulators.hubspot.control.asUser(h.portalId).create('companies', {
      name: 'Umbrella',
      domain,
    });
    await h.resetCalls();
    await markCompany(h, company.id);
    await h.drain();

    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id);
    expect(link?.salesforceId).toBe(accountId);
    const calls = await h.calls();
    expect(calls.salesforce['POST /services/data/vXX.X/composite/sobjects']).toBeUndefined();
    // Two-way, the most recent edit wins: the company's name was set last.
    expect((await emulators.salesforce.control.getRecord(accountId)).Name).toBe('Umbrella');
  });

  it('leaves a company whose domain two Accounts share for a person, creating nothing', async () => {
    const domain = uniqueDomain('hooli');
    for (const name of ['Hooli', 'Hooli EMEA']) {
      await emulators.salesforce.control.createRecord(
        'Account',
        { Name: name, Website: `https://${domain}/${name.length}` },
        { asUser: 'rep@sandbox.example' },
      );
    }
    const company = await emulators.hubspot.control.asUser(h.portalId).create('companies', {
      name: 'Hooli',
      domain,
    });
    await markCompany(h, company.id);
    await h.drain();

    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id),
    ).toBeNull();
    const open = await pendingMatches.listOpen(h.testDb.db, h.installationId);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      record: { side: 'hubspot', objectType: 'companies', recordId: company.id },
      reason: 'ambiguous',
    });
    expect(open[0]?.candidates.map((candidate) => candidate.matchedBy)).toEqual(['domain', 'domain']);
  });

  it('syncs a batch of companies and contacts together, companies first, each in its own batch calls', async () => {
    const companies = await Promise.all(
      [1, 2, 3].map((n) =>
        emulators.hubspot.control
          .asUser(h.portalId)
          .create('companies', { name: `Vendor ${n}`, domain: uniqueDomain(`vendor${n}`) }),
      ),
    );
    const contacts = await Promise.all(
      [1, 2].map((n) =>
        emulators.hubspot.control.asUser(h.portalId).create('contacts', {
          email: `buyer${n}-${Date.now()}@example.com`,
          lastname: `Buyer ${n}`,
          company: 'Vendor',
        }),
      ),
    );
    for (const company of companies) await markCompany(h, company.id);
    for (const contact of contacts) await h.markHubspot(contact.id);
    await h.resetCalls();
    await h.drain();

    const created = async (objectType: 'companies' | 'contacts', ids: string[]) => {
      const times: number[] = [];
      for (const id of ids) {
        const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, objectType, id);
        expect(link).toMatchObject({ salesforceObjectType: objectType === 'companies' ? 'Account' : 'Lead' });
        const record = await emulators.salesforce.control.getRecord(link?.salesforceId as string);
        times.push(Date.parse(String(record.CreatedDate).replace(/\+0000$/, 'Z')));
      }
      return times;
    };
    const accountsCreated = await created(
      'companies',
      companies.map((company) => company.id),
    );
    const leadsCreated = await created(
      'contacts',
      contacts.map((contact) => contact.id),
    );
    expect(Math.max(...accountsCreated)).toBeLessThanOrEqual(Math.min(...leadsCreated));
    const calls = await h.calls();
    // One upsert per Salesforce object (Accounts, then Leads), one HubSpot update per object type (the new
    // Salesforce ids and the app properties).
    expect(calls.salesforce['PATCH /services/data/vXX.X/composite/sobjects/:sobject/:field']).toBe(2);
    expect(calls.hubspot['POST /crm/v3/objects/companies/batch/update']).toBe(1);
    expect(calls.hubspot['POST /crm/v3/objects/contacts/batch/update']).toBe(1);
  });

  async function linkedCompany(name: string) {
    const company = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('companies', { name, domain: uniqueDomain(name.toLowerCase()) });
    await markCompany(h, company.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', company.id);
    if (!link) throw new Error('no link');
    return { companyId: company.id, accountId: link.salesforceId, link };
  }

  it('tombstones a pair whose Account is deleted, creates nothing meanwhile, and revives it on undelete', async () => {
    const { companyId, accountId, link } = await linkedCompany('Soylent');
    await emulators.salesforce.control.deleteRecord(accountId);
    await markAccount(h, accountId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({
      state: 'tombstoned',
      tombstonedSide: 'salesforce',
    });
    const flagged = await emulators.hubspot.control.record(h.portalId, 'companies', companyId);
    expect(flagged.properties.salesforce_sync_status).toBe('deleted_in_salesforce');
    // An edit while the Account is in the recycle bin creates no second Account.
    await emulators.hubspot.control.asUser(h.portalId).update('companies', companyId, { city: 'Gone' });
    await markCompany(h, companyId);
    await h.resetCalls();
    await h.drain();
    expect(writeCalls(await h.calls()).salesforce).toBe(0);

    await emulators.salesforce.control.undeleteRecord(accountId);
    await markAccount(h, accountId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({ state: 'active' });
    expect((await emulators.salesforce.control.getRecord(accountId)).BillingCity).toBe('Gone');
  });

  it('tombstones a pair whose company is archived, leaving the Account', async () => {
    const { companyId, accountId, link } = await linkedCompany('Cyberdyne');
    await emulators.hubspot.control.asUser(h.portalId).archive('companies', companyId);
    await markCompany(h, companyId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({
      state: 'tombstoned',
    });
    expect((await emulators.salesforce.control.getRecord(accountId)).IsDeleted).toBe(false);
    // The Account changing does not bring the company back.
    await emulators.salesforce.control.updateRecord(accountId, { Phone: '+1 212 555 0199' });
    await markAccount(h, accountId);
    await h.drain();
    const live = (await emulators.hubspot.control.records(h.portalId, 'companies')).results.filter(
      (record) => !record.archived,
    );
    expect(live).toHaveLength(0);
  });

  it('moves the link to the survivor of a HubSpot company merge, and to the master of an Account merge', async () => {
    const { companyId, accountId } = await linkedCompany('Tyrell');
    const other = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('companies', { name: 'Tyrell Corporation', domain: uniqueDomain('tyrell-corp') });
    const merged = await emulators.hubspot.control.asUser(h.portalId).merge('companies', companyId, other.id);
    await h.mark(
      { side: 'hubspot', objectType: 'companies', recordId: companyId },
      { hint: 'merged', event: { survivorId: merged.id } },
    );
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, accountId)).toMatchObject({
      hubspotObjectType: 'companies',
      hubspotId: merged.id,
    });
    expect((await emulators.salesforce.control.getRecord(accountId)).HubSpot_Id__c).toBe(merged.id);

    const master = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: 'Tyrell Holdings', Website: uniqueDomain('tyrell-holdings') },
      { asUser: 'rep@sandbox.example' },
    );
    await emulators.salesforce.control.merge({ type: 'Account', masterId: master.id, mergeIds: [accountId] });
    await markAccount(h, accountId);
    await h.drain();
    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'companies', merged.id),
    ).toMatchObject({ salesforceId: master.id });
    // One company for the merged pair: the master created no company of its own.
    const live = (await emulators.hubspot.control.records(h.portalId, 'companies')).results.filter(
      (record) => !record.archived,
    );
    expect(live.map((record) => record.id)).toEqual([merged.id]);
  });
});
