import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login, rejection } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  ({ conn } = await login(emulator));
});

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;

async function raw(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${emulator.baseUrl}/services/data/v62.0${path}`, {
    method,
    headers: { Authorization: `Bearer ${conn.accessToken as string}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('versions and resources', () => {
  it('lists versions without a session and resources with one', async () => {
    const versions = (await (await fetch(`${emulator.baseUrl}/services/data/`)).json()) as {
      version: string;
      label: string;
      url: string;
    }[];
    expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
    expect(versions[0]?.version).toBe('31.0');
    const resources = (await conn.request('/services/data/v62.0')) as Record<string, string>;
    expect(resources.sobjects).toBe('/services/data/v62.0/sobjects');
    expect(resources.identity).toContain('/id/00D');
    const retired = await fetch(`${emulator.baseUrl}/services/data/v29.0/limits`, {
      headers: { Authorization: `Bearer ${conn.accessToken as string}` },
    });
    expect(retired.status).toBe(410);
  });

  it('puts Sforce-Limit-Info on every REST response, errors included', async () => {
    const ok = await raw('GET', '/limits');
    expect(ok.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    const missing = await raw('GET', '/sobjects/Contact/003000000000000AAA');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
  });
});

describe('describe', () => {
  it('describes the org and each object with field metadata', async () => {
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Lead', 'Opportunity', 'OpportunityContactRole', 'User']),
    );
    const lead = await conn.sobject('Lead').describe();
    const byName = new Map(lead.fields.map((f) => [f.name, f]));
    expect(lead.keyPrefix).toBe('00Q');
    expect(byName.get('HubSpot_Id__c')).toMatchObject({
      type: 'string',
      length: 32,
      externalId: true,
      unique: true,
      custom: true,
    });
    expect(byName.get('HubSpot_Deleted__c')).toMatchObject({
      type: 'boolean',
      nillable: false,
      defaultedOnCreate: true,
    });
    expect(byName.get('Status')).toMatchObject({
      type: 'picklist',
      restrictedPicklist: true,
      nillable: false,
      defaultedOnCreate: true,
    });
    expect(byName.get('Status')?.picklistValues?.map((v) => v.value)).toEqual([
      'Open - Not Contacted',
      'Working - Contacted',
      'Closed - Converted',
      'Closed - Not Converted',
    ]);
    expect(byName.get('LastName')).toMatchObject({
      nillable: false,
      createable: true,
      updateable: true,
      length: 80,
    });
    expect(byName.get('IsConverted')).toMatchObject({ createable: false, updateable: false });
    expect(byName.get('Email')).toMatchObject({ type: 'email', idLookup: true });
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account',
    });
    const account = await conn.sobject('Account').describe();
    expect(account.childRelationships.map((c) => c.relationshipName)).toEqual(
      expect.arrayContaining(['Contacts', 'Opportunities']),
    );
    expect((await rejection(conn.sobject('Nope__c').describe())).errorCode).toBe('NOT_FOUND');
  });
});

describe('single records', () => {
  it('creates (201), retrieves, updates (204) and deletes (204) with stamps in Salesforce format', async () => {
    const created = await raw('POST', '/sobjects/Contact', {
      LastName: 'Lovelace',
      FirstName: 'Ada',
      Email: 'ada@example.com',
    });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id, success: true, errors: [] });
    expect(id).toMatch(/^003[0-9A-Za-z]{15}$/);

    const record = await conn.sobject('Contact').retrieve(id);
    expect(record).toMatchObject({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id}` },
      Id: id,
      Name: 'Ada Lovelace',
      IsDeleted: false,
      HubSpot_Deleted__c: false,
    });
    for (const stamp of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp'])
      expect(record[stamp]).toMatch(SF_DATETIME);
    const identity = await conn.identity();
    expect(record.CreatedById).toBe(identity.user_id);
    expect(record.OwnerId).toBe(identity.user_id);

    await emulator.control.advanceClock(5_000);
    const updated = await conn.sobject('Contact').update({ Id: id, Title: 'Countess' });
    expect(updated).toEqual({ id, success: true, errors: [] });
    const after = await conn
      .sobject('Contact')
      .retrieve(id, { fields: ['Title', 'SystemModstamp', 'CreatedDate'] });
    expect(Object.keys(after)).toEqual(['attributes', 'Title', 'SystemModstamp', 'CreatedDate']);
    expect(after.Title).toBe('Countess');
    expect(Date.parse(after.SystemModstamp as string)).toBeGreaterThan(
      Date.parse(after.CreatedDate as string),
    );

    expect((await raw('PATCH', `/sobjects/Contact/${id}`, { Title: 'x' })).status).toBe(204);
    expect((await raw('DELETE', `/sobjects/Contact/${id}`)).status).toBe(204);
    const gone = await rejection(conn.sobject('Contact').retrieve(id));
    expect(gone.errorCode).toBe('ENTITY_IS_DELETED');
  });

  it('accepts 15-character ids and answers with 18', async () => {
    const { id } = (await conn.sobject('Account').create({ Name: 'Acme' })) as { id: string };
    const short = id.slice(0, 15);
    const record = await conn.sobject('Account').retrieve(short);
    expect(record.Id).toBe(id);
    await conn.sobject('Contact').create({ LastName: 'X', AccountId: short });
    const contact = await conn.query<{ AccountId: string }>('SELECT AccountId FROM Contact');
    expect(contact.records[0]?.AccountId).toBe(id);
    // An 18-character id is case-insensitive: its suffix restores the letter case.
    expect((await conn.sobject('Account').retrieve(id.toLowerCase())).Id).toBe(id);
  });

  it('answers 404s the way Salesforce does', async () => {
    const notFound = await raw('GET', '/sobjects/Contact/0035e000001AbCdAAA');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
    const notAnId = await raw('GET', '/sobjects/Contact/banana');
    expect(notAnId.body).toEqual([
      {
        message: 'Provided external ID field does not exist or is not accessible: banana',
        errorCode: 'NOT_FOUND',
      },
    ]);
    expect((await raw('POST', '/sobjects/Nope__c', {})).status).toBe(404);
    const wrongMethod = await raw('PUT', '/sobjects/Contact');
    expect(wrongMethod.status).toBe(405);
  });

  it('upserts by external id: 201 created, 200 updated, 300 ambiguous; 204 before v46', async () => {
    const first = await raw('PATCH', '/sobjects/Contact/HubSpot_Id__c/hs-1', { LastName: 'One' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ success: true, errors: [], created: true });
    const second = await raw('PATCH', '/sobjects/Contact/HubSpot_Id__c/HS-1', { LastName: 'Uno' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      id: (first.body as { id: string }).id,
      success: true,
      errors: [],
      created: false,
    });

    const viaJsforce = await conn
      .sobject('Contact')
      .upsert({ HubSpot_Id__c: 'hs-2', LastName: 'Two' }, 'HubSpot_Id__c');
    expect(viaJsforce).toMatchObject({ success: true, created: true });

    await conn.sobject('Contact').create({ LastName: 'A', Email: 'same@example.com' });
    await conn.sobject('Contact').create({ LastName: 'B', Email: 'same@example.com' });
    const ambiguous = await rejection(
      conn.sobject('Contact').upsert({ Email: 'same@example.com', LastName: 'C' }, 'Email'),
    );
    expect(ambiguous.errorCode).toBe('MULTIPLE_CHOICES');
    expect(ambiguous.data).toHaveLength(2);

    const old = await fetch(`${emulator.baseUrl}/services/data/v45.0/sobjects/Contact/HubSpot_Id__c/hs-1`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${conn.accessToken as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Old API' }),
    });
    expect(old.status).toBe(204);

    const keyedOnId = await raw('POST', '/sobjects/Account/Id', { Name: 'Always inserted' });
    expect(keyedOnId.status).toBe(201);
    expect(keyedOnId.body).toMatchObject({ success: true, created: true });

    const byExternal = (await conn.request('/services/data/v62.0/sobjects/Contact/HubSpot_Id__c/hs-1')) as {
      LastName: string;
    };
    expect(byExternal.LastName).toBe('Old API');
    const notExternal = await rejection(
      conn.sobject('Contact').upsert({ Title: 'x', LastName: 'y' }, 'Title'),
    );
    expect(notExternal.errorCode).toBe('NOT_FOUND');
  });

  it('resolves parent references by external id and traverses to parents', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Parent', HubSpot_Id__c: 'co-9' });
    const contact = await conn
      .sobject('Contact')
      .create({ LastName: 'Kid', Account: { HubSpot_Id__c: 'co-9' } });
    const record = await conn.sobject('Contact').retrieve(contact.id as string);
    expect(record.AccountId).toBe(account.id);
    const parent = (await conn.request(
      `/services/data/v62.0/sobjects/Contact/${contact.id as string}/Account`,
    )) as { Name: string };
    expect(parent.Name).toBe('Parent');
    const missing = await rejection(
      conn.sobject('Contact').create({ LastName: 'Kid', Account: { HubSpot_Id__c: 'nope' } }),
    );
    expect(missing.errorCode).toBe('INVALID_FIELD');
  });
});

describe('validation', () => {
  const cases: {
    name: string;
    type: string;
    record: Record<string, unknown>;
    errorCode: string;
    message: string | RegExp;
    fields?: string[];
  }[] = [
    {
      name: 'required fields',
      type: 'Lead',
      record: { FirstName: 'x' },
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [LastName, Company]',
      fields: ['LastName', 'Company'],
    },
    {
      name: 'opportunity required fields',
      type: 'Opportunity',
      record: { Name: 'Deal' },
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [StageName, CloseDate]',
      fields: ['StageName', 'CloseDate'],
    },
    {
      name: 'restricted picklist',
      type: 'Lead',
      record: { LastName: 'x', Company: 'y', Status: 'Maybe' },
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Status: bad value for restricted picklist field: Maybe',
      fields: ['Status'],
    },
    {
      name: 'restricted multi-select value',
      type: 'Contact',
      record: { LastName: 'x', Interests__c: 'Webinars;Golf' },
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Interests: bad value for restricted picklist field: Golf',
      fields: ['Interests__c'],
    },
    {
      name: 'field length',
      type: 'Contact',
      record: { LastName: 'x'.repeat(81) },
      errorCode: 'STRING_TOO_LONG',
      message: /^Last Name: data value too large: x+\.\.\. \(max length=80\)$/,
      fields: ['LastName'],
    },
    {
      name: 'e-mail syntax',
      type: 'Contact',
      record: { LastName: 'x', Email: 'not-an-email' },
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: not-an-email',
      fields: ['Email'],
    },
    {
      name: 'unknown field',
      type: 'Contact',
      record: { LastName: 'x', Foo__c: 1 },
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Foo__c' on sobject of type Contact",
    },
    {
      name: 'read-only field',
      type: 'Lead',
      record: { LastName: 'x', Company: 'y', IsConverted: true },
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: /^Unable to create fields: IsConverted\./,
      fields: ['IsConverted'],
    },
    {
      name: 'lookup of the wrong type',
      type: 'Contact',
      record: { LastName: 'x', AccountId: '003000000000001AAA' },
      errorCode: 'MALFORMED_ID',
      message: 'Account ID: id value of incorrect type: 003000000000001AAA',
      fields: ['AccountId'],
    },
    {
      name: 'lookup to nothing',
      type: 'Contact',
      record: { LastName: 'x', AccountId: '001000000000001AAA' },
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
      message: 'invalid cross reference id',
      fields: ['AccountId'],
    },
    {
      name: 'number out of range',
      type: 'Account',
      record: { Name: 'x', NumberOfEmployees: 123456789 },
      errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
      message: 'Employees: value outside of valid range on numeric field: 123456789',
      fields: ['NumberOfEmployees'],
    },
    {
      name: 'bad date',
      type: 'Opportunity',
      record: { Name: 'x', StageName: 'Prospecting', CloseDate: '2026-02-30' },
      errorCode: 'JSON_PARSER_ERROR',
      message: /Cannot deserialize instance of date/,
    },
  ];

  it.each(cases)(
    'rejects $name with $errorCode in the real error shape',
    async ({ type, record, errorCode, message, fields }) => {
      const response = await raw('POST', `/sobjects/${type}`, record);
      expect(response.status).toBe(400);
      const body = response.body as { errorCode: string; message: string; fields?: string[] }[];
      expect(body).toHaveLength(1);
      expect(body[0]?.errorCode).toBe(errorCode);
      if (typeof message === 'string') expect(body[0]?.message).toBe(message);
      else expect(body[0]?.message).toMatch(message);
      if (fields) expect(body[0]?.fields).toEqual(fields);
      const error = await rejection(conn.sobject(type).create(record));
      expect(error.name).toBe(errorCode);
      expect(error.errorCode).toBe(errorCode);
    },
  );

  it('enforces unique and external-id values, case-insensitively, on create and update', async () => {
    const first = await conn.sobject('Account').create({ Name: 'A', HubSpot_Id__c: 'abc' });
    const duplicate = await rejection(conn.sobject('Account').create({ Name: 'B', HubSpot_Id__c: 'ABC' }));
    expect(duplicate.errorCode).toBe('DUPLICATE_VALUE');
    expect(duplicate.message).toBe(
      `duplicate value found: HubSpot_Id__c duplicates value on record with id: ${(first.id as string).slice(0, 15)}`,
    );
    const other = await conn.sobject('Account').create({ Name: 'B', HubSpot_Id__c: 'def' });
    const onUpdate = await rejection(
      conn.sobject('Account').update({ Id: other.id as string, HubSpot_Id__c: 'Abc' }),
    );
    expect(onUpdate.errorCode).toBe('DUPLICATE_VALUE');
    // A deleted record no longer holds its value.
    await conn.sobject('Account').destroy(first.id as string);
    await conn.sobject('Account').update({ Id: other.id as string, HubSpot_Id__c: 'abc' });
  });

  it('refuses to clear a required field on update', async () => {
    const { id } = await conn.sobject('Contact').create({ LastName: 'Keep' });
    const error = await rejection(conn.sobject('Contact').update({ Id: id as string, LastName: null }));
    expect(error.errorCode).toBe('REQUIRED_FIELD_MISSING');
  });

  it('stores multi-select values as one ;-joined string in picklist order', async () => {
    const { id } = await conn
      .sobject('Contact')
      .create({ LastName: 'M', Interests__c: 'newsletter;Webinars;Newsletter; ;Events' });
    const record = await conn.sobject('Contact').retrieve(id as string);
    expect(record.Interests__c).toBe('Webinars;Newsletter;Events');
  });

  it('computes opportunity probability and closed flags from the stage', async () => {
    const { id } = await conn
      .sobject('Opportunity')
      .create({ Name: 'Deal', StageName: 'Negotiation/Review', CloseDate: '2026-03-31', Amount: 1234.567 });
    const open = await conn.sobject('Opportunity').retrieve(id as string);
    expect(open).toMatchObject({
      Probability: 90,
      IsClosed: false,
      IsWon: false,
      Amount: 1234.57,
      CloseDate: '2026-03-31',
    });
    await conn.sobject('Opportunity').update({ Id: id as string, StageName: 'Closed Won' });
    expect(await conn.sobject('Opportunity').retrieve(id as string)).toMatchObject({
      Probability: 100,
      IsClosed: true,
      IsWon: true,
    });
  });

  it('requires owners to be active users', async () => {
    const users = await emulator.control.listUsers();
    const inactive = await emulator.control.createUser({
      username: 'gone@default.example',
      lastName: 'Gone',
      isActive: false,
    });
    expect(users.length).toBeGreaterThanOrEqual(2);
    const error = await rejection(conn.sobject('Contact').create({ LastName: 'x', OwnerId: inactive.id }));
    expect(error.errorCode).toBe('INACTIVE_OWNER_OR_USER');
  });
});
