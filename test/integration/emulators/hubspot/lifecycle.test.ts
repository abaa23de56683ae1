import type { Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, BRIDGE, sdk, startEmulator } from './support';

let emulator: HubSpotEmulator;
let client: Client;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  client = sdk(emulator, (await emulator.control.issueToken(portalId)).accessToken);
});

describe('merge', () => {
  it('merges two contacts into a new record; both old ids resolve to it', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme' },
      associations: [],
    });
    const primary = await client.crm.contacts.basicApi.create({
      properties: { email: 'ana@acme.com', firstname: 'Ana' },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }],
        },
      ],
    });
    const secondary = await client.crm.contacts.basicApi.create({
      properties: { email: 'ana.lopez@gmail.com', firstname: 'Anita', lastname: 'Lopez', jobtitle: 'CFO' },
      associations: [],
    });
    const merged = await client.crm.contacts.basicApi.merge({
      primaryObjectId: primary.id,
      objectIdToMerge: secondary.id,
    });
    expect(merged.id).not.toBe(primary.id);
    expect(merged.id).not.toBe(secondary.id);
    expect(merged.properties).toMatchObject({
      email: 'ana@acme.com',
      firstname: 'Ana',
      lastname: 'Lopez',
      jobtitle: 'CFO',
      hs_additional_emails: 'ana.lopez@gmail.com',
      hs_object_id: merged.id,
    });
    expect(
      merged.properties.hs_calculated_merged_vids?.split(';').map((entry) => entry.split(':')[0]),
    ).toEqual([primary.id, secondary.id]);
    // Merged contacts list the merged ids in hs_merged_object_ids too, as companies and deals do.
    expect(merged.properties.hs_merged_object_ids?.split(';')).toEqual([primary.id, secondary.id]);
    for (const oldId of [primary.id, secondary.id]) {
      const read = await client.crm.contacts.basicApi.getById(oldId, ['email']);
      expect(read.id).toBe(merged.id);
    }
    const batch = await client.crm.contacts.batchApi.read({
      inputs: [{ id: secondary.id }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(batch.results[0]?.id).toBe(merged.id);
    const list = await client.crm.contacts.basicApi.getPage();
    expect(list.results.map((contact) => contact.id)).toEqual([merged.id]);
    const associations = await client.crm.associations.v4.basicApi.getPage(
      'contacts',
      merged.id,
      'companies',
    );
    expect(associations.results.map((result) => String(result.toObjectId))).toEqual([company.id]);
    // The other record's email still finds the person and stays taken, as an additional email does in HubSpot.
    const byOldEmail = await client.crm.contacts.basicApi.getById(
      'ana.lopez@gmail.com',
      undefined,
      undefined,
      undefined,
      false,
      'email',
    );
    expect(byOldEmail.id).toBe(merged.id);
    const taken = await apiError(
      client.crm.contacts.basicApi.create({ properties: { email: 'ana.lopez@gmail.com' }, associations: [] }),
    );
    expect(taken.body.message).toBe(`Contact already exists. Existing ID: ${merged.id}`);
  });

  it('merges companies and deals with hs_merged_object_ids, and refuses self-merges and unknown ids', async () => {
    const a = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme', domain: 'acme.com' },
      associations: [],
    });
    const b = await client.crm.companies.basicApi.create({
      properties: { name: 'ACME Inc', industry: 'RETAIL' },
      associations: [],
    });
    const merged = await client.crm.companies.basicApi.merge({
      primaryObjectId: a.id,
      objectIdToMerge: b.id,
    });
    expect(merged.properties).toMatchObject({
      name: 'Acme',
      domain: 'acme.com',
      industry: 'RETAIL',
      hs_merged_object_ids: `${a.id};${b.id}`,
    });
    const d1 = await client.crm.deals.basicApi.create({ properties: { dealname: 'One' }, associations: [] });
    const d2 = await client.crm.deals.basicApi.create({ properties: { dealname: 'Two' }, associations: [] });
    const deal = await client.crm.deals.basicApi.merge({ primaryObjectId: d2.id, objectIdToMerge: d1.id });
    expect(deal.properties.dealname).toBe('Two');
    expect(
      (
        await apiError(
          client.crm.deals.basicApi.merge({ primaryObjectId: deal.id, objectIdToMerge: deal.id }),
        )
      ).code,
    ).toBe(400);
    expect(
      (
        await apiError(
          client.crm.deals.basicApi.merge({ primaryObjectId: deal.id, objectIdToMerge: '424242' }),
        )
      ).code,
    ).toBe(404);
  });

  it('merges as a user from the control API too', async () => {
    const a = await client.crm.contacts.basicApi.create({
      properties: { email: 'x1@example.com' },
      associations: [],
    });
    const b = await client.crm.contacts.basicApi.create({
      properties: { email: 'x2@example.com' },
      associations: [],
    });
    const merged = await emulator.control.asUser(portalId).merge('contacts', a.id, b.id);
    expect(merged.mergedFromIds.sort()).toEqual([a.id, b.id].sort());
    expect((await client.crm.contacts.basicApi.getById(b.id)).id).toBe(merged.id);
  });
});

describe('restore', () => {
  it('brings an archived record back under its id, with its associations', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Kept' },
      associations: [],
    });
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'back@example.com' },
      associations: [],
    });
    await client.crm.associations.v4.basicApi.createDefault('contacts', contact.id, 'companies', company.id);
    await client.crm.contacts.basicApi.archive(contact.id);
    const restored = await emulator.control.asUser(portalId).restore('contacts', contact.id);
    expect(restored).toMatchObject({ id: contact.id, archived: false, archivedAt: null });
    const read = await client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['companies']);
    expect(read.archived).toBe(false);
    expect(read.associations?.companies?.results.map((result) => result.id)).toEqual([company.id]);
  });

  it('refuses to restore over a live contact that took the email meanwhile', async () => {
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'taken@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.archive(contact.id);
    await client.crm.contacts.basicApi.create({
      properties: { email: 'taken@example.com' },
      associations: [],
    });
    await expect(emulator.control.asUser(portalId).restore('contacts', contact.id)).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('GDPR delete', () => {
  it('deletes for good (204), blocklists the email, and also blocklists unknown emails', async () => {
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'forget.me@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.purge({ objectId: contact.id });
    expect((await apiError(client.crm.contacts.basicApi.getById(contact.id))).code).toBe(404);
    expect(
      (
        await apiError(
          client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, undefined, true),
        )
      ).code,
    ).toBe(404);
    const blocked = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { email: 'Forget.Me@example.com' },
        associations: [],
      }),
    );
    expect(blocked.code).toBe(400);
    expect(blocked.body.message).toContain('GDPR');
    await client.crm.contacts.basicApi.purge({ objectId: 'never.here@example.com', idProperty: 'email' });
    expect(
      (
        await apiError(
          client.crm.contacts.basicApi.create({
            properties: { email: 'never.here@example.com' },
            associations: [],
          }),
        )
      ).code,
    ).toBe(400);
    expect((await apiError(client.crm.contacts.basicApi.purge({ objectId: '55555' }))).code).toBe(404);
  });
});

describe('simulated users', () => {
  it('creates, edits and archives as a named user, visible in history as CRM_UI', async () => {
    const portal = await emulator.control.portal(portalId);
    const rep = portal.users.find((user) => user.email.startsWith('rep@'));
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme' },
      associations: [],
    });
    const actions = emulator.control.asUser(portalId, rep?.email);
    const created = await actions.create('contacts', { email: 'ui@example.com', firstname: 'Ui' }, [
      { toObjectType: 'companies', toObjectId: company.id, primary: true },
    ]);
    expect(created.associations.companies).toEqual([{ id: company.id, typeIds: [1, 279] }]);
    await actions.update('contacts', created.id, { firstname: 'UI' });
    const read = await client.crm.contacts.basicApi.getById(created.id, ['firstname'], ['firstname']);
    expect(read.propertiesWithHistory?.firstname?.[0]).toMatchObject({
      value: 'UI',
      sourceType: 'CRM_UI',
      sourceId: `userId:${rep?.userId}`,
      updatedByUserId: rep?.userId,
    });
    await expect(actions.update('contacts', created.id, { lifecyclestage: 'bogus' })).rejects.toMatchObject({
      status: 400,
    });
    await actions.archive('contacts', created.id);
    expect((await apiError(client.crm.contacts.basicApi.getById(created.id))).code).toBe(404);
    const raw = await emulator.control.record(portalId, 'contacts', created.id);
    expect(raw.archived).toBe(true);
    expect(raw.propertiesWithHistory.firstname?.map((entry) => entry.value)).toEqual(['UI', 'Ui']);
  });

  it('writes as the other integration with its own app id', async () => {
    const other = await emulator.control.issueToken(portalId, { appId: emulator.otherIntegration.appId });
    const created = await sdk(emulator, other.accessToken).crm.deals.basicApi.create({
      properties: { dealname: 'From elsewhere' },
      associations: [],
    });
    const raw = await emulator.control.record(portalId, 'deals', created.id);
    expect(raw.propertiesWithHistory.dealname?.[0]).toMatchObject({
      sourceType: 'INTEGRATION',
      sourceId: '990001',
    });
    expect(String(BRIDGE.appId)).not.toBe('990001');
  });
});

describe('seed', () => {
  it('fills a portal with the same messy data for the same seed', async () => {
    const first = await emulator.control.seed(portalId, { seed: 7, companies: 15, contacts: 40, deals: 10 });
    expect(first.companyIds.length).toBe(15);
    expect(first.contactIds.length).toBeGreaterThan(30);
    const contacts = (await emulator.control.records(portalId, 'contacts')).results;
    const emails = contacts.map((contact) => contact.properties.email).filter(Boolean);
    expect(emails.length).toBeLessThan(contacts.length);
    expect(
      contacts.some(
        (contact) => (contact.properties.firstname ?? '').trim() !== contact.properties.firstname,
      ),
    ).toBe(true);
    const phones = contacts.map((contact) => contact.properties.phone).filter(Boolean);
    expect(new Set(phones.map((phone) => phone?.replace(/\d/g, '9'))).size).toBeGreaterThan(2);
    const companies = (await emulator.control.records(portalId, 'companies')).results;
    expect(companies.some((company) => company.properties.domain?.startsWith('www.'))).toBe(true);
    const withCompany = contacts.filter((contact) => contact.associations.companies);
    expect(withCompany.length).toBeGreaterThan(0);
    expect(withCompany.length).toBeLessThan(contacts.length);

    await emulator.control.reset();
    const again = await emulator.control.seed(portalId, { seed: 7, companies: 15, contacts: 40, deals: 10 });
    expect(again).toEqual(first);
    const page = await sdk(
      emulator,
      (await emulator.control.issueToken(portalId)).accessToken,
    ).crm.deals.basicApi.getPage(100);
    expect(page.results).toHaveLength(again.dealIds.length);
  });
});
