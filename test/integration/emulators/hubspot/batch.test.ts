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
    // Results come in no particular order, as HubSpot's do.
    const createdByEmail = new Map(created.results.map((result) => [result.properties.email, result]));
    const [a, b] = [createdByEmail.get('a@example.com'), createdByEmail.get('b@example.com')];
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

describe('batch write answers', () => {
  it('come in no particular order, each with its input’s objectWriteTraceId, holding what was written and HubSpot’s own properties', async () => {
    const inputs = Array.from({ length: 20 }, (_, index) => ({
      ...contact(`answer${index}@example.com`, { firstname: `F${index}`, lastname: `L${index}` }),
      objectWriteTraceId: `t${index}`,
    }));
    const created = await client.crm.contacts.batchApi.create({ inputs });
    const traces = created.results.map((result) => result.objectWriteTraceId);
    expect([...traces].sort()).toEqual(inputs.map((input) => input.objectWriteTraceId).sort());
    expect(traces).not.toEqual(inputs.map((input) => input.objectWriteTraceId));
    const byTrace = new Map(created.results.map((result) => [result.objectWriteTraceId, result]));
    expect(byTrace.get('t3')?.properties.email).toBe('answer3@example.com');

    const ids = inputs.map((input) => byTrace.get(input.objectWriteTraceId)?.id as string);
    const updated = await client.crm.contacts.batchApi.update({
      inputs: ids.map((id, index) => ({
        id,
        properties: { jobtitle: `Title ${index}` },
        objectWriteTraceId: `u${index}`,
      })),
    });
    const first = updated.results.find((result) => result.objectWriteTraceId === 'u0');
    expect(first?.id).toBe(ids[0]);
    // What was written and HubSpot's own: not the names written earlier.
    expect(Object.keys(first?.properties ?? {}).sort()).toEqual([
      'createdate',
      'hs_object_id',
      'jobtitle',
      'lastmodifieddate',
    ]);
    expect(updated.results.map((result) => result.id)).not.toEqual(ids);

    const upserted = await client.crm.contacts.batchApi.upsert({
      inputs: [
        {
          idProperty: 'email',
          id: 'answer1@example.com',
          properties: { phone: '555' },
          objectWriteTraceId: 'x',
        },
      ],
    });
    expect(upserted.results[0]).toMatchObject({ id: ids[1], objectWriteTraceId: 'x', _new: false });
    expect(upserted.results[0]?.properties).not.toHaveProperty('firstname');
    expect(upserted.results[0]?.properties.phone).toBe('555');
  });

  it('keep input order and every property with the knobs', async () => {
    await emulator.control.updateSettings({
      behaviour: { batchResultOrder: 'input', writeResponseProperties: 'all' },
    });
    const inputs = Array.from({ length: 10 }, (_, index) =>
      contact(`ordered${index}@example.com`, { firstname: `F${index}` }),
    );
    const created = await client.crm.contacts.batchApi.create({ inputs });
    expect(created.results.map((result) => result.properties.email)).toEqual(
      inputs.map((input) => input.properties.email),
    );
    const updated = await client.crm.contacts.batchApi.update({
      inputs: created.results.map((result) => ({ id: result.id, properties: { lastname: 'Same' } })),
    });
    expect(updated.results[0]?.properties.firstname).toBe('F0');
  });

  it('refuses a whole update for one bad input, objectWriteTraceId or not (multi-status is for creates)', async () => {
    const one = await client.crm.contacts.basicApi.create(contact('one@example.com'));
    const two = await client.crm.contacts.basicApi.create(contact('two@example.com'));
    const refused = await apiError(
      client.crm.contacts.batchApi.update({
        inputs: [
          { id: one.id, properties: { firstname: 'Fine' }, objectWriteTraceId: 'a' },
          { id: two.id, properties: { lifecyclestage: 'nope' }, objectWriteTraceId: 'b' },
        ],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    const stored = await client.crm.contacts.basicApi.getById(one.id, ['firstname']);
    expect(stored.properties.firstname).toBeNull();
  });
});
