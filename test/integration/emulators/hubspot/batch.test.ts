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

const contact = (email: string, extra: Record<string, string> = {}) => ({
  properties: { email, ...extra },
  associations: [],
});

describe('batch create', () => {
  it('creates up to 100 records with 201', async () => {
    const inputs = Array.from({ length: 100 }, (_, index) => contact(`person${index}@example.com`));
    const created = await client.crm.contacts.batchApi.create({ inputs });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(100);
    expect(created.startedAt).toBeInstanceOf(Date);
    expect(new Set(created.results.map((result) => result.id)).size).toBe(100);
    const tooMany = await apiError(
      client.crm.contacts.batchApi.create({ inputs: [...inputs, contact('x@example.com')] }),
    );
    expect(tooMany.code).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
  });

  it('fails the whole batch on one bad input, writing nothing', async () => {
    const refused = await apiError(
      client.crm.contacts.batchApi.create({
        inputs: [contact('fine@example.com'), contact('bad', { firstname: 'X' })],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.message).toContain('INVALID_EMAIL');
    const duplicate = await apiError(
      client.crm.contacts.batchApi.create({
        inputs: [contact('twin@example.com'), contact('TWIN@example.com')],
      }),
    );
    expect(duplicate.code).toBe(409);
    expect((await client.crm.contacts.basicApi.getPage()).results).toEqual([]);
  });

  it('answers 207 with per-input errors when every input has an objectWriteTraceId', async () => {
    await client.crm.contacts.basicApi.create(contact('taken@example.com'));
    const result = await client.crm.contacts.batchApi.create({
      inputs: [
        { ...contact('new@example.com'), objectWriteTraceId: 'sf-1' },
        { ...contact('taken@example.com'), objectWriteTraceId: 'sf-2' },
        { ...contact('new2@example.com', { lifecyclestage: 'nope' }), objectWriteTraceId: 'sf-3' },
      ],
    });
    expect('numErrors' in result && result.numErrors).toBe(2);
    expect(result.results.map((created) => created.properties.email)).toEqual(['new@example.com']);
    expect(result.results[0]?.objectWriteTraceId).toBe('sf-1');
    const errors = 'errors' in result ? (result.errors ?? []) : [];
    expect(errors.map((error) => [error.category, error.context])).toEqual([
      ['CONFLICT', { objectWriteTraceId: ['sf-2'] }],
      ['VALIDATION_ERROR', { objectWriteTraceId: ['sf-3'] }],
    ]);
    expect(errors[0]?.message).toMatch(/Existing ID: \d+/);
  });
});

describe('batch read', () => {
  it('reads by id and by idProperty, 207 with the missing ids', async () => {
    const created = await client.crm.contacts.batchApi.create({
      inputs: [contact('a@example.com', { firstname: 'A' }), contact('b@example.com', { firstname: 'B' })],
    });
    const [a, b] = created.results;
    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: a?.id ?? '' }, { id: '999999' }, { id: b?.id ?? '' }],
      properties: ['firstname'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((result) => [result.id, result.properties.firstname])).toEqual([
      [a?.id, 'A'],
      [b?.id, 'B'],
    ]);
    expect('errors' in read && read.errors?.[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      context: { ids: ['999999'] },
      message:
        'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
    });
    const byEmail = await client.crm.contacts.batchApi.read({
      inputs: [{ id: 'B@example.com' }],
      properties: ['email'],
      propertiesWithHistory: ['firstname'],
      idProperty: 'email',
    });
    expect(byEmail.results[0]?.id).toBe(b?.id);
    expect(byEmail.results[0]?.propertiesWithHistory?.firstname?.[0]?.value).toBe('B');
    expect('errors' in byEmail).toBe(false);
  });

  it('reads archived records only with archived=true, and limits history reads to 50 inputs', async () => {
    const created = await client.crm.companies.basicApi.create({
      properties: { name: 'Old' },
      associations: [],
    });
    await client.crm.companies.basicApi.archive(created.id);
    const live = await client.crm.companies.batchApi.read({
      inputs: [{ id: created.id }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(live.results).toEqual([]);
    const archived = await client.crm.companies.batchApi.read(
      { inputs: [{ id: created.id }], properties: [], propertiesWithHistory: [] },
      true,
    );
    expect(archived.results[0]?.archived).toBe(true);
    const inputs = Array.from({ length: 51 }, (_, index) => ({ id: String(index + 1) }));
    expect(
      (
        await apiError(
          client.crm.companies.batchApi.read({ inputs, properties: [], propertiesWithHistory: ['name'] }),
        )
      ).code,
    ).toBe(400);
  });
});

describe('batch update, upsert, archive', () => {
  it('updates, reporting missing ids as a 207 error and refusing duplicate ids', async () => {
    const created = await client.crm.deals.batchApi.create({
      inputs: [
        { properties: { dealname: 'One' }, associations: [] },
        { properties: { dealname: 'Two' }, associations: [] },
      ],
    });
    const [one, two] = created.results;
    const updated = await client.crm.deals.batchApi.update({
      inputs: [
        { id: one?.id ?? '', properties: { amount: '10' } },
        { id: '31337', properties: { amount: '20' } },
        { id: two?.id ?? '', properties: { amount: '30' } },
      ],
    });
    expect(updated.results.map((deal) => deal.properties.amount).sort()).toEqual(['10', '30']);
    expect('errors' in updated && updated.errors?.[0]?.context).toEqual({ ids: ['31337'] });
    const duplicate = await apiError(
      client.crm.deals.batchApi.update({
        inputs: [
          { id: one?.id ?? '', properties: { amount: '1' } },
          { id: one?.id ?? '', properties: { amount: '2' } },
        ],
      }),
    );
    expect(duplicate.code).toBe(400);
    expect(duplicate.body.message).toBe(`Duplicate IDs found in batch input: [${one?.id}]`);
  });

  it('upserts by a unique property: creates or updates and says which', async () => {
    await client.crm.properties.coreApi.create('contacts', {
      name: 'salesforce_id',
      label: 'Salesforce ID',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'contactinformation',
      hasUniqueValue: true,
    });
    const existing = await client.crm.contacts.basicApi.create(
      contact('kim@example.com', { salesforce_id: '003A' }),
    );
    const result = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { idProperty: 'salesforce_id', id: '003A', properties: { firstname: 'Kim' } },
        {
          idProperty: 'salesforce_id',
          id: '003B',
          properties: { firstname: 'Lee', email: 'lee@example.com' },
        },
      ],
    });
    const byId = new Map(result.results.map((item) => [item.properties.salesforce_id, item]));
    expect(byId.get('003A')).toMatchObject({ id: existing.id, _new: false });
    expect(byId.get('003A')?.properties.firstname).toBe('Kim');
    expect(byId.get('003B')?._new).toBe(true);
    const byEmail = await client.crm.contacts.batchApi.upsert({
      inputs: [{ idProperty: 'email', id: 'KIM@example.com', properties: { lastname: 'Park' } }],
    });
    expect(byEmail.results[0]).toMatchObject({ id: existing.id, _new: false });
    const notUnique = await apiError(
      client.crm.contacts.batchApi.upsert({
        inputs: [{ idProperty: 'firstname', id: 'Kim', properties: {} }],
      }),
    );
    expect(notUnique.code).toBe(400);
  });

  it('archives in batch with 204, ignoring unknown ids', async () => {
    const created = await client.crm.contacts.batchApi.create({
      inputs: [contact('x1@example.com'), contact('x2@example.com')],
    });
    await client.crm.contacts.batchApi.archive({
      inputs: [...created.results.map((item) => ({ id: item.id })), { id: '123456789' }],
    });
    expect((await client.crm.contacts.basicApi.getPage()).results).toEqual([]);
    expect(
      (await client.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, undefined, true))
        .results,
    ).toHaveLength(2);
  });
});
