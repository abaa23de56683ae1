import type { Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, BRIDGE, sdk, startEmulator } from './support';

let emulator: HubSpotEmulator;
let client: Client;
let portalId: number;

// A clock that only moves when a test moves it, so that dates can be asserted exactly.
const clock = { nowMs: () => 1_767_225_600_000 };

beforeAll(async () => {
  emulator = await startEmulator({ clock });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  client = sdk(emulator, (await emulator.control.issueToken(portalId)).accessToken);
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('create and read', () => {
  it('creates a contact: 201, string id, string values, HubSpot-maintained dates', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'Ana.Lopez@Acme.com ', firstname: 'Ana', lastname: 'López' },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties).toMatchObject({
      email: 'ana.lopez@acme.com',
      firstname: 'Ana',
      lastname: 'López',
      hs_object_id: created.id,
    });
    expect(created.properties.createdate).toMatch(ISO);
    expect(created.properties.lastmodifieddate).toBe(created.properties.createdate);
    expect(created.archived).toBe(false);
    expect(created.createdAt).toBeInstanceOf(Date);

    const read = await client.crm.contacts.basicApi.getById(created.id);
    expect(Object.keys(read.properties).sort()).toEqual([
      'createdate',
      'email',
      'firstname',
      'hs_object_id',
      'lastmodifieddate',
      'lastname',
    ]);
  });

  it('returns requested properties (null when empty) and the history of writes by source', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'h@example.com', phone: '+1 555 0100' },
      associations: [],
    });
    await emulator.control.advanceClock(60_000);
    await emulator.control
      .asUser(portalId, `rep@portal${portalId}.example.com`)
      .update('contacts', created.id, { phone: '+1 555 0199' });
    const other = await emulator.control.issueToken(portalId, { clientId: 'other-integration' });
    await emulator.control.advanceClock(60_000);
    await sdk(emulator, other.accessToken).crm.contacts.basicApi.update(created.id, {
      properties: { phone: '555-0142' },
    });

    const read = await client.crm.contacts.basicApi.getById(
      created.id,
      ['phone', 'jobtitle', 'no_such_property'],
      ['phone'],
    );
    expect(read.properties).toMatchObject({ phone: '555-0142', jobtitle: null });
    expect(read.properties).not.toHaveProperty('no_such_property');
    const history = read.propertiesWithHistory?.phone ?? [];
    expect(history.map((entry) => [entry.value, entry.sourceType, entry.sourceId])).toEqual([
      ['555-0142', 'INTEGRATION', String(emulator.otherIntegration.appId)],
      ['+1 555 0199', 'CRM_UI', expect.stringMatching(/^userId:\d+$/)],
      ['+1 555 0100', 'INTEGRATION', String(BRIDGE.appId)],
    ]);
    expect(history[1]?.updatedByUserId).toEqual(expect.any(Number));
    expect(history[0]?.timestamp.getTime()).toBeGreaterThan(history[2]?.timestamp.getTime() ?? Infinity);
  });

  it('reads by idProperty (a unique property) and refuses a non-unique one', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'find.me@example.com' },
      associations: [],
    });
    const read = await client.crm.contacts.basicApi.getById(
      'FIND.ME@example.com',
      undefined,
      undefined,
      undefined,
      false,
      'email',
    );
    expect(read.id).toBe(created.id);
    const refused = await apiError(
      client.crm.contacts.basicApi.getById('Ana', undefined, undefined, undefined, false, 'firstname'),
    );
    expect(refused.code).toBe(400);
  });

  it('answers 404 OBJECT_NOT_FOUND with a JSON body for unknown ids', async () => {
    const missing = await apiError(client.crm.contacts.basicApi.getById('999999'));
    expect(missing.code).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(missing.body).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: 'Object not found.  objectId are usually numeric.',
      context: { id: ['999999'] },
    });
    expect(missing.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['x-hubspot-correlation-id']).toBe(missing.body.correlationId);
  });

  it('keeps hs_lastmodifieddate on companies and deals and returns their default properties', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme', domain: 'acme.com', numberofemployees: '120' },
      associations: [],
    });
    expect(company.properties.hs_lastmodifieddate).toMatch(ISO);
    expect(company.properties).not.toHaveProperty('lastmodifieddate');
    const deal = await client.crm.deals.basicApi.create({
      properties: {
        dealname: 'Renewal',
        amount: '1500.50',
        dealstage: 'qualifiedtobuy',
        pipeline: 'default',
        closedate: '2026-03-01',
      },
      associations: [],
    });
    const read = await client.crm.deals.basicApi.getById(deal.id);
    expect(read.properties).toEqual({
      amount: '1500.50',
      closedate: '2026-03-01T00:00:00.000Z',
      createdate: expect.stringMatching(ISO),
      dealname: 'Renewal',
      dealstage: 'qualifiedtobuy',
      hs_lastmodifieddate: expect.stringMatching(ISO),
      hs_object_id: deal.id,
      pipeline: 'default',
    });
  });

  it('creates with associations in the same call', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Globex' },
      associations: [],
    });
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'hank@globex.com' },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }],
        },
      ],
    });
    const read = await client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['companies']);
    expect(read.associations?.companies?.results).toEqual([
      { id: company.id, type: 'contact_to_company_unlabeled' },
    ]);
    const invalid = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { email: 'x@globex.com' },
        associations: [
          {
            to: { id: '424242' },
            types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }],
          },
        ],
      }),
    );
    expect(invalid.code).toBe(400);
  });
});

describe('validation', () => {
  it.each([
    [{ no_such_property: 'x' }, 'PROPERTY_DOESNT_EXIST'],
    [{ email: 'not-an-email' }, 'INVALID_EMAIL'],
    [{ lifecyclestage: 'Customer' }, 'INVALID_OPTION'],
    [{ hs_email_optout: 'maybe' }, 'INVALID_BOOLEAN'],
    [{ hs_object_id: '12' }, 'READ_ONLY_VALUE'],
    [{ hubspot_owner_id: '1' }, 'INVALID_OWNER_ID'],
  ])('refuses %j with 400 VALIDATION_ERROR (%s)', async (properties, code) => {
    const refused = await apiError(
      client.crm.contacts.basicApi.create({
        properties: properties as Record<string, string>,
        associations: [],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    expect(refused.body.message.startsWith('Property values were not valid: ')).toBe(true);
    const issues = JSON.parse(refused.body.message.slice('Property values were not valid: '.length)) as Array<
      Record<string, unknown>
    >;
    expect(issues[0]).toMatchObject({ isValid: false, error: code, name: Object.keys(properties)[0] });
    expect((await client.crm.contacts.basicApi.getPage()).results).toEqual([]);
  });

  it('checks numbers, dates at midnight UTC, datetimes and owners on companies and deals', async () => {
    const bad = await apiError(
      client.crm.companies.basicApi.create({ properties: { numberofemployees: 'lots' }, associations: [] }),
    );
    expect(bad.body.message).toContain('INVALID_FLOAT');
    const badDate = await apiError(
      client.crm.deals.basicApi.create({ properties: { closedate: 'tomorrow' }, associations: [] }),
    );
    expect(badDate.body.message).toContain('INVALID_DATETIME');
    const owners = await client.crm.owners.ownersApi.getPage();
    const owner = owners.results[0];
    const deal = await client.crm.deals.basicApi.create({
      properties: { dealname: 'Owned', hubspot_owner_id: owner?.id ?? '', closedate: '1767225600000' },
      associations: [],
    });
    expect(deal.properties).toMatchObject({
      hubspot_owner_id: owner?.id,
      closedate: '2026-01-01T00:00:00.000Z',
    });
  });

  it('answers 409 with "Existing ID" for a duplicate email, in either body HubSpot is seen to send', async () => {
    const first = await client.crm.contacts.basicApi.create({
      properties: { email: 'dup@example.com' },
      associations: [],
    });
    const conflict = await apiError(
      client.crm.contacts.basicApi.create({ properties: { email: 'DUP@example.com' }, associations: [] }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${first.id}`,
    });

    await emulator.control.updateSettings({ behaviour: { duplicateEmailError: 'OBJECT_ALREADY_EXISTS' } });
    const variant = await apiError(
      client.crm.contacts.basicApi.create({ properties: { email: 'dup@example.com' }, associations: [] }),
    );
    expect(variant.code).toBe(409);
    expect(variant.body).toMatchObject({
      category: 'OBJECT_ALREADY_EXISTS',
      error: 'CONTACT_EXISTS',
      identityProfile: { vid: Number(first.id) },
    });
    expect(variant.body.message).toContain(`Existing ID: ${first.id}`);
    const second = await client.crm.contacts.basicApi.create({
      properties: { email: 'other@example.com' },
      associations: [],
    });
    const onUpdate = await apiError(
      client.crm.contacts.basicApi.update(second.id, { properties: { email: 'dup@example.com' } }),
    );
    expect(onUpdate.code).toBe(409);
  });

  it('keeps emails as written when the portal preserves case', async () => {
    await emulator.control.updateSettings({ behaviour: { emailCase: 'preserve' } });
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'Mixed.Case@Example.com' },
      associations: [],
    });
    expect(created.properties.email).toBe('Mixed.Case@Example.com');
    const conflict = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { email: 'mixed.case@example.com' },
        associations: [],
      }),
    );
    expect(conflict.code).toBe(409);
  });

  it('answers 400 for malformed JSON and bodies of the wrong shape', async () => {
    const response = await fetch(`${emulator.baseUrl}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${(await emulator.control.issueToken(portalId)).accessToken}`,
        'Content-Type': 'application/json',
      },
      body: '{"properties": {',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { category: string }).category).toBe('VALIDATION_ERROR');
    const wrongShape = await apiError(client.crm.contacts.basicApi.create({ associations: [] } as never));
    expect(wrongShape.code).toBe(400);
  });
});

describe('update, archive, list', () => {
  it('updates: changed values move lastmodifieddate, unchanged ones do not', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'u@example.com', firstname: 'Una' },
      associations: [],
    });
    await emulator.control.advanceClock(5_000);
    const same = await client.crm.contacts.basicApi.update(created.id, { properties: { firstname: 'Una' } });
    expect(same.properties.lastmodifieddate).toBe(created.properties.lastmodifieddate);
    const changed = await client.crm.contacts.basicApi.update(created.id, {
      properties: { firstname: 'Uma', jobtitle: 'CTO' },
    });
    expect(Date.parse(changed.properties.lastmodifieddate ?? '')).toBe(
      Date.parse(created.properties.lastmodifieddate ?? '') + 5_000,
    );
    expect(changed.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    const cleared = await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: '' } });
    expect(cleared.properties).not.toHaveProperty('jobtitle');
    const byEmail = await client.crm.contacts.basicApi.update(
      'u@example.com',
      { properties: { lastname: 'Ng' } },
      'email',
    );
    expect(byEmail.id).toBe(created.id);
    expect(
      (await apiError(client.crm.contacts.basicApi.update('404404', { properties: { lastname: 'x' } }))).code,
    ).toBe(404);
  });

  it('archives: 204, then 404 unless archived=true, and only archived records in archived lists', async () => {
    const kept = await client.crm.contacts.basicApi.create({
      properties: { email: 'kept@example.com' },
      associations: [],
    });
    const gone = await client.crm.contacts.basicApi.create({
      properties: { email: 'gone@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.archive(gone.id);
    await client.crm.contacts.basicApi.archive(gone.id);
    await client.crm.contacts.basicApi.archive('987654321');
    expect((await apiError(client.crm.contacts.basicApi.getById(gone.id))).code).toBe(404);
    const archived = await client.crm.contacts.basicApi.getById(
      gone.id,
      undefined,
      undefined,
      undefined,
      true,
    );
    expect(archived.archived).toBe(true);
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(
      (
        await client.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, undefined, true)
      ).results.map((r) => r.id),
    ).toEqual([gone.id]);
    expect((await client.crm.contacts.basicApi.getPage()).results.map((r) => r.id)).toEqual([kept.id]);
    // The archived contact's email is free again.
    await client.crm.contacts.basicApi.create({
      properties: { email: 'gone@example.com' },
      associations: [],
    });
  });

  it('pages lists with after cursors and a link, and refuses limits above 100', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 23; index += 1) {
      ids.push(
        (
          await client.crm.companies.basicApi.create({
            properties: { name: `Company ${index}` },
            associations: [],
          })
        ).id,
      );
    }
    const first = await client.crm.companies.basicApi.getPage(10, undefined, ['name']);
    expect(first.results.map((r) => r.id)).toEqual(ids.slice(0, 10));
    expect(first.paging?.next?.after).toBe(ids[10]);
    expect(first.paging?.next?.link).toContain(`after=${ids[10]}`);
    const second = await client.crm.companies.basicApi.getPage(10, first.paging?.next?.after);
    expect(second.results.map((r) => r.id)).toEqual(ids.slice(10, 20));
    const last = await client.crm.companies.basicApi.getPage(10, second.paging?.next?.after);
    expect(last.results.map((r) => r.id)).toEqual(ids.slice(20));
    expect(last.paging).toBeUndefined();
    expect((await client.crm.companies.getAll(100)).map((r) => r.id)).toEqual(ids);
    expect((await apiError(client.crm.companies.basicApi.getPage(101))).code).toBe(400);
  });

  it('accepts comma-separated as well as repeated array query parameters', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'q@example.com', city: 'Lyon', jobtitle: 'CFO' },
      associations: [],
    });
    const { accessToken } = await emulator.control.issueToken(portalId);
    const response = await fetch(
      `${emulator.baseUrl}/crm/v3/objects/contacts/${created.id}?properties=city,jobtitle`,
      {
        headers: { Authorization: `Bearer ${accessToken}` },
      },
    );
    const body = (await response.json()) as { properties: Record<string, string> };
    expect(body.properties).toMatchObject({ city: 'Lyon', jobtitle: 'CFO' });
  });

  it('serves the generic /crm/v3/objects/{objectType} API with type ids too', async () => {
    const created = await client.crm.objects.basicApi.create('0-1', {
      properties: { email: 'g@example.com' },
      associations: [],
    });
    const read = await client.crm.objects.basicApi.getById('contacts', created.id, ['email']);
    expect(read.properties.email).toBe('g@example.com');
    expect((await apiError(client.crm.objects.basicApi.getById('widgets', '1'))).code).toBe(400);
  });
});

describe('lifecycle stages', () => {
  it('move only forward through the API: a backward move is refused until the stage is cleared', async () => {
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'stage@example.com', lifecyclestage: 'customer' },
      associations: [],
    });
    const refused = await apiError(
      client.crm.contacts.basicApi.update(contact.id, { properties: { lifecyclestage: 'lead' } }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    expect(refused.body.message).toContain('INVALID_LIFECYCLE_STAGE_TRANSITION');
    // Forward is fine; backward after clearing is fine.
    await client.crm.contacts.basicApi.update(contact.id, { properties: { lifecyclestage: 'evangelist' } });
    await client.crm.contacts.basicApi.update(contact.id, { properties: { lifecyclestage: '' } });
    await client.crm.contacts.basicApi.update(contact.id, { properties: { lifecyclestage: 'lead' } });
    const read = await client.crm.contacts.basicApi.getById(contact.id, ['lifecyclestage']);
    expect(read.properties.lifecyclestage).toBe('lead');
    // A person in HubSpot's UI may move it back directly.
    await emulator.control.asUser(portalId).update('contacts', contact.id, { lifecyclestage: 'subscriber' });
    // In a batch, one backward move refuses the whole batch.
    const other = await client.crm.contacts.basicApi.create({
      properties: { email: 'other@example.com', lifecyclestage: 'opportunity' },
      associations: [],
    });
    const batch = await apiError(
      client.crm.contacts.batchApi.update({
        inputs: [
          { id: contact.id, properties: { lifecyclestage: 'lead' } },
          { id: other.id, properties: { lifecyclestage: 'lead' } },
        ],
      }),
    );
    expect(batch.body.message).toContain('INVALID_LIFECYCLE_STAGE_TRANSITION');
  });

  it("follow the portal's own stages and their order", async () => {
    await emulator.control.setLifecycleStages(portalId, [
      { value: 'subscriber', label: 'Subscriber' },
      { value: 'partner', label: 'Partner' },
      { value: 'lead', label: 'Lead' },
      { value: 'customer', label: 'Customer' },
    ]);
    const property = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(property.options.map((option) => option.value)).toEqual([
      'subscriber',
      'partner',
      'lead',
      'customer',
    ]);
    const removed = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { email: 'gone@example.com', lifecyclestage: 'opportunity' },
        associations: [],
      }),
    );
    expect(removed.body.message).toContain('INVALID_OPTION');
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'partner@example.com', lifecyclestage: 'lead' },
      associations: [],
    });
    const backward = await apiError(
      client.crm.contacts.basicApi.update(contact.id, { properties: { lifecyclestage: 'partner' } }),
    );
    expect(backward.body.message).toContain('INVALID_LIFECYCLE_STAGE_TRANSITION');
  });
});

describe('deals', () => {
  it('keep hs_is_closed as HubSpot does: true in a closed stage, false otherwise, and not writable', async () => {
    const deal = await client.crm.deals.basicApi.create({
      properties: { dealname: 'Renewal', dealstage: 'appointmentscheduled', pipeline: 'default' },
      associations: [],
    });
    const read = async () =>
      (await client.crm.deals.basicApi.getById(deal.id, ['hs_is_closed', 'dealstage'])).properties;
    expect(await read()).toMatchObject({ hs_is_closed: 'false', dealstage: 'appointmentscheduled' });
    await client.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'closedwon' } });
    expect((await read()).hs_is_closed).toBe('true');
    await client.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'qualifiedtobuy' } });
    expect((await read()).hs_is_closed).toBe('false');
    const refused = await apiError(
      client.crm.deals.basicApi.update(deal.id, { properties: { hs_is_closed: 'true' } }),
    );
    expect(refused.code).toBe(400);
    expect((await read()).hs_is_closed).toBe('false');
  });
});
