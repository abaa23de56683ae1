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

type SaveResult = {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  created?: boolean;
};

describe('sObject collections', () => {
  it('creates many records in one call, with per-record statusCode errors and HTTP 200', async () => {
    const results = (await conn
      .sobject('Contact')
      .create([
        { LastName: 'One' },
        { FirstName: 'No last name' },
        { LastName: 'Three', Email: 'bad' },
      ])) as SaveResult[];
    expect(results[0]).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [] });
    expect(results[1]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [LastName]',
          fields: ['LastName'],
        },
      ],
    });
    expect(results[2]?.errors[0]?.statusCode).toBe('INVALID_EMAIL_ADDRESS');
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(1);
    const calls = await emulator.control.calls();
    expect(calls.byRoute['POST /services/data/vXX.X/composite/sobjects']).toBe(1);
  });

  it('rolls every record back with allOrNone', async () => {
    const results = (await conn
      .sobject('Contact')
      .create([{ LastName: 'Kept?' }, { FirstName: 'x' }], { allOrNone: true })) as SaveResult[];
    expect(results[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
          message:
            'Record rolled back because not all records were valid and the request was using AllOrNone header',
          fields: [],
        },
      ],
    });
    expect(results[1]?.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(0);
  });

  it('updates with lowercase id keys, reporting bad and missing ids per record', async () => {
    const created = (await conn
      .sobject('Contact')
      .create([{ LastName: 'A' }, { LastName: 'B' }])) as SaveResult[];
    const [a, b] = created.map((r) => r.id as string);
    const results = (await conn.sobject('Contact').update([
      { Id: a as string, Title: 'Boss' },
      { Id: '001000000000001AAA', Title: 'Wrong type' },
      { Id: b as string, LastName: null },
    ])) as SaveResult[];
    expect(results[0]).toEqual({ id: a, success: true, errors: [] });
    expect(results[1]?.errors[0]).toMatchObject({ statusCode: 'MALFORMED_ID' });
    expect(results[2]).toMatchObject({
      id: b,
      success: false,
      errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }],
    });
    const rows = await conn.query<{ LastName: string; Title: string | null }>(
      'SELECT LastName, Title FROM Contact ORDER BY LastName',
    );
    expect(rows.records.map((r) => [r.LastName, r.Title])).toEqual([
      ['A', 'Boss'],
      ['B', null],
    ]);
  });

  it('upserts by external id with created flags, and flags duplicates within the batch', async () => {
    await conn.sobject('Account').create({ Name: 'Existing', HubSpot_Id__c: 'c-1' });
    const results = (await conn.sobject('Account').upsert(
      [
        { HubSpot_Id__c: 'c-1', Name: 'Renamed' },
        { HubSpot_Id__c: 'c-2', Name: 'New' },
        { HubSpot_Id__c: 'c-3', Name: 'Twin A' },
        { HubSpot_Id__c: 'C-3', Name: 'Twin B' },
      ],
      'HubSpot_Id__c',
    )) as SaveResult[];
    expect(results[0]).toMatchObject({ success: true, created: false });
    expect(results[1]).toMatchObject({ success: true, created: true });
    expect(results[2]?.errors[0]?.statusCode).toBe('DUPLICATE_EXTERNAL_ID');
    expect(results[3]?.errors[0]?.statusCode).toBe('DUPLICATE_EXTERNAL_ID');
    const names = await conn.query<{ Name: string }>('SELECT Name FROM Account ORDER BY Name');
    expect(names.records.map((r) => r.Name)).toEqual(['New', 'Renamed']);
  });

  it('deletes and retrieves many', async () => {
    const created = (await conn.sobject('Lead').create([
      { LastName: 'A', Company: 'X' },
      { LastName: 'B', Company: 'X' },
    ])) as SaveResult[];
    const ids = created.map((r) => r.id as string);
    const retrieved = (await conn
      .sobject('Lead')
      .retrieve([...ids, '00Q000000000001AAA'], { fields: ['LastName', 'Company'] })) as (Record<
      string,
      unknown
    > | null)[];
    expect(retrieved.map((r) => r?.LastName ?? null)).toEqual(['A', 'B', null]);
    expect(Object.keys(retrieved[0] ?? {})).toEqual(['attributes', 'LastName', 'Company']);
    const withoutFields = (await conn.sobject('Lead').retrieve(ids)) as Record<string, unknown>[];
    expect(withoutFields[0]).toHaveProperty('HubSpot_Id__c', null);

    const deleted = (await conn.sobject('Lead').destroy([ids[0] as string, 'garbage'])) as SaveResult[];
    expect(deleted[0]).toEqual({ id: ids[0], success: true, errors: [] });
    expect(deleted[1]?.errors[0]).toMatchObject({
      statusCode: 'MALFORMED_ID',
      message: 'malformed id garbage',
    });
    const again = (await conn.sobject('Lead').destroy([ids[0] as string])) as SaveResult[];
    expect(again[0]?.errors[0]?.statusCode).toBe('ENTITY_IS_DELETED');
    const retrievedAfter = (await conn.sobject('Lead').retrieve(ids, { fields: ['LastName'] })) as (Record<
      string,
      unknown
    > | null)[];
    expect(retrievedAfter[0]).toBeNull();
  });

  it('refuses more than 200 records per call unless jsforce splits them', async () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ LastName: `N${i}` }));
    const error = await rejection(conn.sobject('Contact').create(many));
    expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect(error.message).toBe('record limit reached. cannot submit more than 200 records into this call');
    await emulator.control.resetCalls();
    const results = (await conn.sobject('Contact').create(
      Array.from({ length: 450 }, (_, i) => ({ LastName: `N${i}` })),
      { allowRecursive: true },
    )) as SaveResult[];
    expect(results.filter((r) => r.success)).toHaveLength(450);
    expect((await emulator.control.calls()).byRoute['POST /services/data/vXX.X/composite/sobjects']).toBe(3);
  });

  it('creates records of several types in one call', async () => {
    const results = (await conn.create('Contact', [{ LastName: 'C' }])) as unknown as SaveResult[];
    expect(results[0]?.success).toBe(true);
    const mixed = (await conn.requestPost('/services/data/v62.0/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Account' }, Name: 'A' },
        { attributes: { type: 'Lead' }, LastName: 'L', Company: 'C' },
        { LastName: 'no type' },
      ],
    })) as SaveResult[];
    expect(mixed.map((r) => r.success)).toEqual([true, true, false]);
    expect(mixed[2]?.errors[0]?.statusCode).toBe('INVALID_TYPE');
  });

  it('refuses a request it cannot read as a whole: one 400 for an unknown field or a wrong type, nothing written', async () => {
    const [existing] = (await conn.sobject('Contact').create([{ LastName: 'Existing' }])) as SaveResult[];
    await emulator.control.resetCalls();
    const unknown = await rejection(
      conn.sobject('Contact').create([{ LastName: 'Fine' }, { LastName: 'Odd', Foo__c: 'x' }]),
    );
    expect(unknown.errorCode).toBe('INVALID_FIELD');
    expect(unknown.message).toBe("No such column 'Foo__c' on sobject of type Contact");
    const wrongType = await rejection(
      conn.sobject('Contact').update([
        { Id: existing?.id as string, LastName: 'Renamed' },
        { Id: existing?.id as string, Birthdate: 'not a date' },
      ]),
    );
    expect(wrongType.errorCode).toBe('JSON_PARSER_ERROR');
    expect(wrongType.message).toMatch(/Cannot deserialize instance of date/);
    const upsert = await rejection(
      conn.sobject('Contact').upsert([{ HubSpot_Id__c: '1', LastName: 'U', Hidden__c: 1 }], 'HubSpot_Id__c'),
    );
    expect(upsert.errorCode).toBe('INVALID_FIELD');
    // Nothing of any refused request was written; each was one call.
    expect((await conn.query('SELECT Id, LastName FROM Contact')).records).toEqual([
      expect.objectContaining({ LastName: 'Existing' }),
    ]);
    const calls = (await emulator.control.calls()).byRoute;
    expect(calls['POST /services/data/vXX.X/composite/sobjects']).toBe(1);
    expect(calls['PATCH /services/data/vXX.X/composite/sobjects']).toBe(1);
    // A value Salesforce can read but refuses is still answered per record.
    const perRecord = (await conn
      .sobject('Contact')
      .create([{ LastName: 'Ok' }, { LastName: 'Bad', Email: 'nope' }])) as SaveResult[];
    expect(perRecord.map((result) => result.success)).toEqual([true, false]);
  });
});
