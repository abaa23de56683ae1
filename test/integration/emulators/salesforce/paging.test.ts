import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login, rejection } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
  ({ conn } = await login(emulator));
  const leads = Array.from({ length: 12_000 }, (_, i) => ({
    LastName: `Lead ${String(i).padStart(5, '0')}`,
    Company: 'Bulk',
  }));
  await emulator.control.createRecords('Lead', leads);
  const contacts = Array.from({ length: 4_500 }, (_, i) => ({ LastName: `Contact ${i}` }));
  await emulator.control.createRecords('Contact', contacts);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.resetCalls());

describe('query batches', () => {
  it('returns 2,000 records per batch with a locator, and queryMore follows it', async () => {
    const first = await conn.query<{ Id: string }>('SELECT Id FROM Contact');
    expect(first.totalSize).toBe(4500);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);

    const second = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl as string);
    expect(second.records).toHaveLength(2000);
    const third = await conn.queryMore<{ Id: string }>(second.nextRecordsUrl as string);
    expect(third.records).toHaveLength(500);
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    const ids = new Set([...first.records, ...second.records, ...third.records].map((r) => r.Id));
    expect(ids.size).toBe(4500);
    // A finished cursor is closed.
    expect((await rejection(conn.queryMore(second.nextRecordsUrl as string))).errorCode).toBe(
      'INVALID_QUERY_LOCATOR',
    );
  });

  it('fetches everything with autoFetch, one call per batch', async () => {
    const records: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query('SELECT Id, LastName FROM Contact ORDER BY LastName')
        .on('record', (r: unknown) => records.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true });
    });
    expect(records).toHaveLength(4500);
    const calls = await emulator.control.calls();
    expect(calls.byRoute['GET /services/data/vXX.X/query']).toBe(1);
    expect(calls.byRoute['GET /services/data/vXX.X/query/:locator']).toBe(2);
  });

  it('pages past 10,000 records: jsforce stops at maxFetch unless raised', async () => {
    const capped = await conn.query('SELECT Id FROM Lead').run({ autoFetch: true });
    expect(capped.totalSize).toBe(12000);
    expect(capped.records).toHaveLength(10000);

    const all = await conn
      .query<{ Id: string; LastName: string }>('SELECT Id, LastName FROM Lead')
      .run({ autoFetch: true, maxFetch: 20000 });
    expect(all.records).toHaveLength(12000);
    expect(all.done).toBe(true);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(12000);
    expect(all.records[11999]?.LastName).toBe('Lead 11999');
  });

  it('honours Sforce-Query-Options batchSize within 200..2000', async () => {
    const small = await conn.query('SELECT Id FROM Contact', {
      headers: { 'Sforce-Query-Options': 'batchSize=500' },
    });
    expect(small.records).toHaveLength(500);
    expect(small.nextRecordsUrl).toMatch(/-500$/);
    const tiny = await conn.query('SELECT Id FROM Contact', {
      headers: { 'Sforce-Query-Options': 'batchSize=10' },
    });
    expect(tiny.records).toHaveLength(200);
  });

  it('hands out at most 200 rows per batch when Long Text Area fields are selected, even under LIMIT 2000', async () => {
    const longText = await conn.query<{ Id: string }>(
      'SELECT Id, Description FROM Contact ORDER BY Id LIMIT 2000',
    );
    expect(longText.totalSize).toBe(2000);
    expect(longText.done).toBe(false);
    expect(longText.records).toHaveLength(200);
    expect(longText.nextRecordsUrl).toMatch(/-200$/);
    const next = await conn.queryMore<{ Id: string }>(longText.nextRecordsUrl as string);
    expect(next.records).toHaveLength(200);
    // A plain Text Area (255) is not a long text field.
    const street = await conn.query('SELECT Id, MailingStreet FROM Contact LIMIT 2000');
    expect(street.records).toHaveLength(2000);
    expect(street.done).toBe(true);
  });

  it('hands out smaller batches than asked when the org says so (queryBatchSize), done false with a locator', async () => {
    await emulator.control.updateSettings({ queryBatchSize: 300 });
    try {
      const first = await conn.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 1000');
      expect(first.totalSize).toBe(1000);
      expect(first.records).toHaveLength(300);
      expect(first.done).toBe(false);
      const ids = first.records.map((r) => r.Id);
      let page = first;
      while (!page.done) {
        page = await conn.queryMore<{ Id: string }>(page.nextRecordsUrl as string);
        ids.push(...page.records.map((r) => r.Id));
      }
      expect(ids).toHaveLength(1000);
      expect(new Set(ids).size).toBe(1000);
    } finally {
      await emulator.control.updateSettings({ queryBatchSize: 2000 });
    }
  });

  it('pages queryAll, accepting both /query/ and /queryAll/ locators', async () => {
    const first = await conn.query<{ Id: string }>('SELECT Id FROM Contact', { scanAll: true });
    expect(first.nextRecordsUrl).toContain('/query/');
    const locator = (first.nextRecordsUrl as string).split('/').pop() as string;
    const viaQueryAll = (await conn.request(`/services/data/v62.0/queryAll/${locator}`)) as {
      records: unknown[];
    };
    expect(viaQueryAll.records).toHaveLength(2000);
  });

  it('forgets cursors after 15 minutes unused and rejects unknown locators', async () => {
    const first = await conn.query('SELECT Id FROM Contact');
    await emulator.control.advanceClock(16 * 60 * 1000);
    const expired = await rejection(conn.queryMore(first.nextRecordsUrl as string));
    expect(expired.errorCode).toBe('INVALID_QUERY_LOCATOR');
    expect((await rejection(conn.queryMore('01gXXXXXXXXXXXXXXX-2000'))).errorCode).toBe(
      'INVALID_QUERY_LOCATOR',
    );
  });
});
