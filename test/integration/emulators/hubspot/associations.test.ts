import { AssociationTypes, type Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, sdk, startEmulator } from './support';

let emulator: HubSpotEmulator;
let client: Client;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  client = sdk(emulator, (await emulator.control.issueToken(emulator.defaultPortalId)).accessToken);
});

const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED' as never;

async function records() {
  const contact = await client.crm.contacts.basicApi.create({
    properties: { email: 'c@example.com' },
    associations: [],
  });
  const acme = await client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
  const globex = await client.crm.companies.basicApi.create({
    properties: { name: 'Globex' },
    associations: [],
  });
  const deal = await client.crm.deals.basicApi.create({ properties: { dealname: 'D' }, associations: [] });
  return { contact: contact.id, acme: acme.id, globex: globex.id, deal: deal.id };
}

describe('v4 associations', () => {
  it('creates default associations in both directions with HubSpot type ids', async () => {
    const ids = await records();
    const created = await client.crm.associations.v4.basicApi.createDefault(
      'contacts',
      ids.contact,
      'companies',
      ids.acme,
    );
    expect(created.results[0]).toMatchObject({
      _from: { id: ids.contact },
      to: { id: ids.acme },
      associationSpec: {
        associationCategory: 'HUBSPOT_DEFINED',
        associationTypeId: AssociationTypes.contactToCompany,
      },
    });
    const fromContact = await client.crm.associations.v4.basicApi.getPage(
      'contacts',
      ids.contact,
      'companies',
    );
    expect(fromContact.results).toEqual([
      {
        toObjectId: Number(ids.acme),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }],
      },
    ]);
    const fromCompany = await client.crm.associations.v4.basicApi.getPage('companies', ids.acme, 'contacts');
    expect(fromCompany.results[0]?.associationTypes).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 280, label: null },
    ]);
  });

  it('labels a primary company (201) and keeps one primary per contact', async () => {
    const ids = await records();
    const primary = [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.primaryContactToCompany },
    ];
    const first = await client.crm.associations.v4.basicApi.create(
      'contacts',
      ids.contact,
      'companies',
      ids.acme,
      primary,
    );
    expect(first).toMatchObject({ fromObjectTypeId: '0-1', toObjectTypeId: '0-2', labels: ['Primary'] });
    await client.crm.associations.v4.basicApi.create('contacts', ids.contact, 'companies', ids.globex, [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: 279 },
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: 1 },
    ]);
    const page = await client.crm.associations.v4.basicApi.getPage('contacts', ids.contact, 'companies');
    const typesByCompany = new Map(
      page.results.map((result) => [
        String(result.toObjectId),
        result.associationTypes.map((type) => type.typeId),
      ]),
    );
    expect(typesByCompany.get(ids.acme)).toEqual([279]);
    expect(typesByCompany.get(ids.globex)).toEqual([1, 279]);
    const read = await client.crm.contacts.basicApi.getById(ids.contact, undefined, undefined, ['companies']);
    expect(read.associations?.companies?.results).toEqual([
      { id: ids.acme, type: 'contact_to_company_unlabeled' },
      { id: ids.globex, type: 'contact_to_company' },
      { id: ids.globex, type: 'contact_to_company_unlabeled' },
    ]);
    const wrongType = await apiError(
      client.crm.associations.v4.basicApi.create('contacts', ids.contact, 'deals', ids.deal, [
        { associationCategory: HUBSPOT_DEFINED, associationTypeId: 279 },
      ]),
    );
    expect(wrongType.code).toBe(400);
  });

  it("keeps a contact's associatedcompanyid and a deal's num_associated_contacts, moving their last-modified dates, without a deal's primary company leaving a trace", async () => {
    const ids = await records();
    const read = async () => ({
      contact: (
        await client.crm.contacts.basicApi.getById(ids.contact, ['associatedcompanyid', 'lastmodifieddate'])
      ).properties,
      deal: (
        await client.crm.deals.basicApi.getById(ids.deal, ['num_associated_contacts', 'hs_lastmodifieddate'])
      ).properties,
    });
    const before = await read();
    await emulator.control.advanceClock(5_000);
    await client.crm.associations.v4.basicApi.create('contacts', ids.contact, 'companies', ids.acme, [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.primaryContactToCompany },
    ]);
    await client.crm.associations.v4.basicApi.createDefault('deals', ids.deal, 'contacts', ids.contact);
    const associated = await read();
    expect(associated.contact.associatedcompanyid).toBe(ids.acme);
    expect(associated.deal.num_associated_contacts).toBe('1');
    expect(Date.parse(associated.contact.lastmodifieddate!)).toBeGreaterThan(
      Date.parse(before.contact.lastmodifieddate!),
    );
    expect(Date.parse(associated.deal.hs_lastmodifieddate!)).toBeGreaterThan(
      Date.parse(before.deal.hs_lastmodifieddate!),
    );

    // The Primary label moves to another company: the property follows.
    await client.crm.associations.v4.basicApi.create('contacts', ids.contact, 'companies', ids.globex, [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.primaryContactToCompany },
    ]);
    expect((await read()).contact.associatedcompanyid).toBe(ids.globex);
    await client.crm.associations.v4.basicApi.archive('deals', ids.deal, 'contacts', ids.contact);
    expect((await read()).deal.num_associated_contacts).toBe('0');

    // A deal's primary company moved between companies it already has: no property changes.
    await client.crm.associations.v4.basicApi.create('deals', ids.deal, 'companies', ids.acme, [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: 5 },
    ]);
    await client.crm.associations.v4.basicApi.createDefault('deals', ids.deal, 'companies', ids.globex);
    const settled = await read();
    await emulator.control.advanceClock(5_000);
    await client.crm.associations.v4.basicApi.create('deals', ids.deal, 'companies', ids.globex, [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: 5 },
    ]);
    expect((await read()).deal.hs_lastmodifieddate).toBe(settled.deal.hs_lastmodifieddate);
  });

  it('removes associations (204) and hides those to archived records', async () => {
    const ids = await records();
    await client.crm.associations.v4.basicApi.createDefault('deals', ids.deal, 'companies', ids.acme);
    await client.crm.associations.v4.basicApi.createDefault('deals', ids.deal, 'contacts', ids.contact);
    await client.crm.associations.v4.basicApi.archive('deals', ids.deal, 'companies', ids.acme);
    expect(
      (await client.crm.associations.v4.basicApi.getPage('companies', ids.acme, 'deals')).results,
    ).toEqual([]);
    await client.crm.contacts.basicApi.archive(ids.contact);
    expect(
      (await client.crm.associations.v4.basicApi.getPage('deals', ids.deal, 'contacts')).results,
    ).toEqual([]);
  });

  it('works in batch: create (201/207), default, read with NO_ASSOCIATIONS_FOUND, archive', async () => {
    const ids = await records();
    const created = await client.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [
        {
          _from: { id: ids.contact },
          to: { id: ids.acme },
          types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 279 }],
        },
        {
          _from: { id: ids.contact },
          to: { id: '99999' },
          types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 279 }],
        },
      ],
    });
    expect(created.results).toHaveLength(1);
    expect('errors' in created && created.errors).toHaveLength(1);
    await client.crm.associations.v4.batchApi.createDefault('deals', 'companies', {
      inputs: [{ _from: { id: ids.deal }, to: { id: ids.globex } }],
    });
    const read = await client.crm.associations.v4.batchApi.getPage('companies', 'contacts', {
      inputs: [{ id: ids.acme }, { id: ids.globex }],
    });
    expect(
      read.results.map((result) => [result._from.id, result.to.map((to) => String(to.toObjectId))]),
    ).toEqual([[ids.acme, [ids.contact]]]);
    expect('errors' in read && read.errors?.[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    });
    await client.crm.associations.v4.batchApi.archive('contacts', 'companies', {
      inputs: [{ _from: { id: ids.contact }, to: [{ id: ids.acme }] }],
    });
    expect(
      (await client.crm.associations.v4.basicApi.getPage('contacts', ids.contact, 'companies')).results,
    ).toEqual([]);
  });

  it('pages association lists', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Big' },
      associations: [],
    });
    const contacts = await client.crm.contacts.batchApi.create({
      inputs: Array.from({ length: 7 }, (_, index) => ({
        properties: { email: `p${index}@big.com` },
        associations: [],
      })),
    });
    for (const contact of contacts.results)
      await client.crm.associations.v4.basicApi.createDefault(
        'companies',
        company.id,
        'contacts',
        contact.id,
      );
    const first = await client.crm.associations.v4.basicApi.getPage(
      'companies',
      company.id,
      'contacts',
      undefined,
      5,
    );
    expect(first.results).toHaveLength(5);
    const second = await client.crm.associations.v4.basicApi.getPage(
      'companies',
      company.id,
      'contacts',
      first.paging?.next?.after,
      5,
    );
    expect(second.results).toHaveLength(2);
    expect(second.paging).toBeUndefined();
  });
});
