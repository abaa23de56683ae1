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

type Row = Record<string, string>;

/** jsforce types result rows by the org schema; the tests read them as plain CSV rows. */
const rowsOf = (rows: unknown): Row[] => rows as Row[];

describe('Bulk API 2.0 ingest', () => {
  it('inserts records from an array and reports successes and failures per row', async () => {
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      // jsforce takes the CSV columns from the first record, so every record carries the same keys.
      input: [
        { LastName: 'Bulk 1', Email: 'b1@example.com', HasOptedOutOfEmail: true, Interests__c: null },
        { LastName: '', Email: 'no-last-name@example.com', HasOptedOutOfEmail: false, Interests__c: null },
        {
          LastName: 'Bulk, "quoted"',
          Email: null,
          HasOptedOutOfEmail: false,
          Interests__c: 'Events;Webinars',
        },
      ],
      pollInterval: 50,
    });
    const successful = rowsOf(results.successfulResults);
    const failed = rowsOf(results.failedResults);
    expect(successful).toHaveLength(2);
    expect(successful[0]).toMatchObject({ sf__Created: 'true', LastName: 'Bulk 1' });
    expect(successful[0]?.sf__Id).toMatch(/^003/);
    expect(failed).toEqual([
      expect.objectContaining({
        sf__Id: '',
        sf__Error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --',
        Email: 'no-last-name@example.com',
      }),
    ]);
    expect(results.unprocessedRecords).toEqual([]);
    const stored = await conn.sobject('Contact').retrieve(successful[1]?.sf__Id as string);
    expect(stored).toMatchObject({ LastName: 'Bulk, "quoted"', Interests__c: 'Webinars;Events' });
    expect((await conn.sobject('Contact').retrieve(successful[0]?.sf__Id as string)).HasOptedOutOfEmail).toBe(
      true,
    );
  });

  it('upserts by external id (tolerating the empty Id column jsforce writes) and clears with #N/A', async () => {
    const existing = (await conn
      .sobject('Account')
      .create({ Name: 'Old name', HubSpot_Id__c: 'c-1', Phone: '555' })) as { id: string };
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'HubSpot_Id__c',
      input: [
        { HubSpot_Id__c: 'c-1', Name: 'New name', Phone: null },
        { HubSpot_Id__c: 'c-2', Name: 'Second' },
      ],
      pollInterval: 50,
    });
    const successful = rowsOf(results.successfulResults);
    expect(successful.map((r) => [r.sf__Id === existing.id, r.sf__Created])).toEqual([
      [true, 'false'],
      [false, 'true'],
    ]);
    expect(await conn.sobject('Account').retrieve(existing.id)).toMatchObject({
      Name: 'New name',
      Phone: null,
    });
  });

  it('updates and deletes by Id from CSV text, with parent references by external id', async () => {
    await conn.sobject('Account').create({ Name: 'Parent', HubSpot_Id__c: 'p-1' });
    const inserted = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input: 'LastName,Account.HubSpot_Id__c\nChild,p-1\n',
      pollInterval: 50,
    });
    const id = rowsOf(inserted.successfulResults)[0]?.sf__Id as string;
    expect((await conn.sobject('Contact').retrieve(id)).AccountId).toMatch(/^001/);

    const updated = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'update',
      input: `Id,Title\n${id},Chief\n001000000000001AAA,Wrong object\n`,
      pollInterval: 50,
    });
    expect(rowsOf(updated.failedResults)[0]?.sf__Error).toMatch(/^MALFORMED_ID:/);
    expect((await conn.sobject('Contact').retrieve(id)).Title).toBe('Chief');

    const deleted = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'delete',
      input: [{ Id: id }],
      pollInterval: 50,
    });
    expect(rowsOf(deleted.successfulResults)[0]?.sf__Id).toBe(id);
    expect((await rejection(conn.sobject('Contact').retrieve(id))).errorCode).toBe('ENTITY_IS_DELETED');
  });

  it('fails the whole job for an unknown column, and refuses bad job definitions', async () => {
    const error = await rejection(
      conn.bulk2.loadAndWaitForResults({
        object: 'Lead',
        operation: 'insert',
        input: 'LastName,Bogus__c\nx,y\n',
        pollInterval: 50,
      }),
    );
    expect(error.message).toBe(
      'Ingest job failed to complete due to: InvalidBatch : Field name not found : Bogus__c',
    );
    const badObject = await rejection(
      conn.bulk2.createJob({ object: 'Nope__c', operation: 'insert' }).open(),
    );
    expect(badObject.name).toBe('INVALIDJOB');
    const noKey = await rejection(conn.bulk2.createJob({ object: 'Lead', operation: 'upsert' }).open());
    expect(noKey.name).toBe('INVALIDJOB');
  });

  it('walks the job states step by step and can abort', async () => {
    const job = conn.bulk2.createJob({ object: 'Lead', operation: 'insert' });
    const opened = await job.open();
    expect(opened).toMatchObject({
      state: 'Open',
      object: 'Lead',
      operation: 'insert',
      contentType: 'CSV',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(opened.id).toMatch(/^750/);
    await job.uploadData('LastName,Company\nA,B\n');
    await job.close();
    await job.poll(50, 5000);
    expect(await job.check()).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 1,
      numberRecordsFailed: 0,
    });

    const aborted = conn.bulk2.createJob({ object: 'Lead', operation: 'insert' });
    await aborted.open();
    await aborted.abort();
    expect((await aborted.check()).state).toBe('Aborted');
    await aborted.delete();
    expect((await rejection(aborted.check())).name).toBe('NOT_FOUND');
  });
});
