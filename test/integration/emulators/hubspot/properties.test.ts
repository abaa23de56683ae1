import type { Client } from '@hubspot/api-client';
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

const text = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  label: name,
  type: 'string',
  fieldType: 'text',
  groupName: 'salesforce_bridge',
  ...extra,
});

async function createGroup() {
  return client.crm.properties.groupsApi.create('contacts', {
    name: 'salesforce_bridge',
    label: 'Salesforce bridge',
    displayOrder: -1,
  });
}

describe('property groups', () => {
  it('creates (201), reads, updates, lists and refuses duplicates with 409', async () => {
    const created = await createGroup();
    expect(created).toEqual({
      name: 'salesforce_bridge',
      label: 'Salesforce bridge',
      displayOrder: -1,
      archived: false,
    });
    expect((await client.crm.properties.groupsApi.getByName('contacts', 'salesforce_bridge')).label).toBe(
      'Salesforce bridge',
    );
    await client.crm.properties.groupsApi.update('contacts', 'salesforce_bridge', { label: 'Salesforce' });
    const all = await client.crm.properties.groupsApi.getAll('contacts');
    expect(all.results.map((group) => group.name)).toContain('salesforce_bridge');
    expect(all.results.find((group) => group.name === 'salesforce_bridge')?.label).toBe('Salesforce');
    expect((await apiError(createGroup())).code).toBe(409);
    expect((await apiError(client.crm.properties.groupsApi.getByName('contacts', 'nope'))).code).toBe(404);
  });
});

describe('properties', () => {
  it('lists the HubSpot-defined properties with their real names and types', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const byName = new Map(all.results.map((property) => [property.name, property]));
    expect(byName.get('email')).toMatchObject({ type: 'string', fieldType: 'text', hubspotDefined: true });
    expect(byName.get('lastmodifieddate')).toMatchObject({
      type: 'datetime',
      modificationMetadata: { readOnlyValue: true },
    });
    expect(byName.get('lifecyclestage')?.options.map((option) => option.value)).toContain(
      'marketingqualifiedlead',
    );
    const deals = await client.crm.properties.coreApi.getByName('deals', 'dealstage');
    expect(deals.options.map((option) => option.value)).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    expect((await client.crm.properties.coreApi.getByName('companies', 'hs_lastmodifieddate')).type).toBe(
      'datetime',
    );
  });

  it('creates a unique property (201) and enforces unique values across records', async () => {
    await createGroup();
    const created = await client.crm.properties.coreApi.create(
      'contacts',
      text('salesforce_record_id', { hasUniqueValue: true }) as never,
    );
    expect(created).toMatchObject({
      name: 'salesforce_record_id',
      hasUniqueValue: true,
      hubspotDefined: false,
      archived: false,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    const first = await client.crm.contacts.basicApi.create({
      properties: { salesforce_record_id: '003AAA' },
      associations: [],
    });
    const duplicate = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { salesforce_record_id: '003AAA' },
        associations: [],
      }),
    );
    expect(duplicate.code).toBe(400);
    expect(duplicate.body.category).toBe('VALIDATION_ERROR');
    expect(duplicate.body.message).toContain(`Existing ID: ${first.id}`);
    await emulator.control.updateSettings({ behaviour: { uniqueValueError: 'CONFLICT' } });
    const asConflict = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { salesforce_record_id: '003AAA' },
        associations: [],
      }),
    );
    expect(asConflict.code).toBe(409);
    const read = await client.crm.contacts.basicApi.getById(
      '003AAA',
      ['salesforce_record_id'],
      undefined,
      undefined,
      false,
      'salesforce_record_id',
    );
    expect(read.id).toBe(first.id);
  });

  it('refuses duplicates (409), bad types, missing groups, enumerations without options, and an 11th unique property', async () => {
    await createGroup();
    await client.crm.properties.coreApi.create('contacts', text('flag') as never);
    const exists = await apiError(client.crm.properties.coreApi.create('contacts', text('flag') as never));
    expect(exists.code).toBe(409);
    expect(exists.body.category).toBe('OBJECT_ALREADY_EXISTS');
    expect(
      (
        await apiError(
          client.crm.properties.coreApi.create('contacts', text('x1', { type: 'text' }) as never),
        )
      ).code,
    ).toBe(400);
    expect(
      (
        await apiError(
          client.crm.properties.coreApi.create('contacts', text('x2', { fieldType: 'select' }) as never),
        )
      ).code,
    ).toBe(400);
    expect(
      (
        await apiError(
          client.crm.properties.coreApi.create('contacts', text('x3', { groupName: 'ghost' }) as never),
        )
      ).code,
    ).toBe(400);
    expect(
      (
        await apiError(
          client.crm.properties.coreApi.create(
            'contacts',
            text('x4', { type: 'enumeration', fieldType: 'select' }) as never,
          ),
        )
      ).code,
    ).toBe(400);
    expect(
      (await apiError(client.crm.properties.coreApi.create('contacts', text('Bad Name') as never))).code,
    ).toBe(400);
    for (let index = 0; index < 10; index += 1) {
      await client.crm.properties.coreApi.create(
        'contacts',
        text(`unique_${index}`, { hasUniqueValue: true }) as never,
      );
    }
    const eleventh = await apiError(
      client.crm.properties.coreApi.create('contacts', text('unique_10', { hasUniqueValue: true }) as never),
    );
    expect(eleventh.code).toBe(400);
  });

  it('validates values against a custom enumeration, then archives the property', async () => {
    await createGroup();
    await client.crm.properties.coreApi.create('contacts', {
      name: 'salesforce_object_type',
      label: 'Salesforce object',
      type: 'enumeration' as never,
      fieldType: 'select' as never,
      groupName: 'salesforce_bridge',
      options: [
        { label: 'Lead', value: 'Lead', hidden: false, displayOrder: 0 },
        { label: 'Contact', value: 'Contact', hidden: false, displayOrder: 1 },
      ],
    });
    const ok = await client.crm.contacts.basicApi.create({
      properties: { salesforce_object_type: 'Lead' },
      associations: [],
    });
    const bad = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { salesforce_object_type: 'Account' },
        associations: [],
      }),
    );
    expect(bad.body.message).toContain('INVALID_OPTION');
    await client.crm.properties.coreApi.update('contacts', 'salesforce_object_type', {
      options: [
        { label: 'Lead', value: 'Lead', hidden: false, displayOrder: 0 },
        { label: 'Account', value: 'Account', hidden: false, displayOrder: 1 },
      ],
    });
    await client.crm.contacts.basicApi.update(ok.id, { properties: { salesforce_object_type: 'Account' } });

    await client.crm.properties.coreApi.archive('contacts', 'salesforce_object_type');
    expect(
      (await apiError(client.crm.properties.coreApi.getByName('contacts', 'salesforce_object_type'))).code,
    ).toBe(404);
    expect(
      (await client.crm.properties.coreApi.getByName('contacts', 'salesforce_object_type', true)).archived,
    ).toBe(true);
    const gone = await apiError(
      client.crm.contacts.basicApi.update(ok.id, { properties: { salesforce_object_type: 'Lead' } }),
    );
    expect(gone.body.message).toContain('PROPERTY_DOESNT_EXIST');
    expect((await apiError(client.crm.properties.coreApi.archive('contacts', 'email'))).code).toBe(400);
  });

  it('creates, reads and archives in batch, 207 for the inputs that fail', async () => {
    await createGroup();
    const created = await client.crm.properties.batchApi.create('contacts', {
      inputs: [text('batch_a'), text('batch_b'), text('email')] as never,
    });
    expect(created.results.map((property) => property.name)).toEqual(['batch_a', 'batch_b']);
    expect('errors' in created && created.errors?.[0]?.category).toBe('OBJECT_ALREADY_EXISTS');
    const read = await client.crm.properties.batchApi.read('contacts', {
      inputs: [{ name: 'batch_a' }, { name: 'ghost' }],
      archived: false,
    });
    expect(read.results.map((property) => property.name)).toEqual(['batch_a']);
    await client.crm.properties.batchApi.archive('contacts', {
      inputs: [{ name: 'batch_a' }, { name: 'batch_b' }],
    });
    expect((await apiError(client.crm.properties.coreApi.getByName('contacts', 'batch_b'))).code).toBe(404);
  });

  it('needs crm.schemas.<type>.write to change definitions; reading works with the object read scope', async () => {
    const { accessToken } = await emulator.control.issueToken(emulator.defaultPortalId, {
      scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'],
    });
    const limited = sdk(emulator, accessToken);
    expect((await limited.crm.properties.coreApi.getAll('contacts')).results.length).toBeGreaterThan(10);
    const denied = await apiError(
      limited.crm.properties.groupsApi.create('contacts', { name: 'g', label: 'G' }),
    );
    expect(denied.code).toBe(403);
    expect(denied.body.errors?.[0]?.context?.requiredGranularScopes).toEqual(['crm.schemas.contacts.write']);
  });
});
