import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;
const clients: { disconnect(): PromiseLike<unknown> }[] = [];

interface EventData {
  schema: string;
  payload: Record<string, unknown> & {
    ChangeEventHeader: {
      entityName: string;
      recordIds: string[];
      changeType: string;
      changeOrigin: string;
      transactionKey: string;
      sequenceNumber: number;
      commitUser: string;
      changedFields: string[];
      nulledFields: string[];
    };
  };
  event: { replayId: number };
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  ({ conn } = await login(emulator));
});
// Wait for each goodbye: a client cut off mid-request keeps retrying every 5 s.
afterEach(() => Promise.all(clients.splice(0).map((client) => client.disconnect())));

/** Subscribes through jsforce's streaming client and collects what arrives. */
async function subscribe(
  connection: Connection,
  channel: string,
  replayId = -1,
  extra: object[] = [],
): Promise<EventData[]> {
  const received: EventData[] = [];
  const client = connection.streaming.createClient([
    new StreamingExtension.Replay(channel, replayId),
    ...extra,
  ]);
  clients.push(client as unknown as { disconnect(): PromiseLike<unknown> });
  await client.subscribe(channel, (data: EventData) => received.push(data));
  return received;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Change Data Capture over CometD', () => {
  it('delivers CREATE and UPDATE events with headers and changed fields', async () => {
    const events = await subscribe(conn, '/data/ContactChangeEvent');
    const tagged = new (await import('jsforce')).Connection({
      instanceUrl: conn.instanceUrl,
      accessToken: conn.accessToken as string,
      version: '62.0',
      callOptions: { client: 'hubspot-bridge' },
    });
    const { id } = (await tagged
      .sobject('Contact')
      .create({ LastName: 'Streamed', Email: 's@example.com' })) as { id: string };
    await emulator.control.advanceClock(2_000);
    await emulator.control.updateRecord(id, { Title: 'CTO', Email: null });
    await until(() => events.length === 2, 'two events');

    const [created, updated] = events as [EventData, EventData];
    expect(created.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Contact',
      recordIds: [id],
      changeType: 'CREATE',
      changeOrigin: 'com/salesforce/api/rest/62.0;client=hubspot-bridge',
      sequenceNumber: 1,
    });
    expect(created.payload).toMatchObject({ LastName: 'Streamed', Email: 's@example.com' });
    expect(created.payload).not.toHaveProperty('Title');
    expect(updated.payload.ChangeEventHeader).toMatchObject({
      changeType: 'UPDATE',
      nulledFields: ['Email'],
    });
    expect(updated.payload.ChangeEventHeader.changedFields).toEqual(
      expect.arrayContaining(['Title', 'Email', 'LastModifiedDate']),
    );
    expect(updated.payload).toMatchObject({ Title: 'CTO', Email: null });
    expect(updated.event.replayId).toBeGreaterThan(created.event.replayId);
    const rep = (await emulator.control.listUsers()).find((u) => u.role === 'rep');
    expect(updated.payload.ChangeEventHeader.commitUser).toBe(rep?.id);
  });

  it('groups a lead conversion into one transaction and reports deletes and undeletes', async () => {
    const events = await subscribe(conn, '/data/ChangeEvents');
    const { id } = (await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' })) as { id: string };
    await emulator.control.convertLead(id, { createOpportunity: false });
    await until(() => events.length === 4, 'conversion events');
    const conversion = events.slice(1);
    expect(
      conversion.map(
        (e) => `${e.payload.ChangeEventHeader.entityName} ${e.payload.ChangeEventHeader.changeType}`,
      ),
    ).toEqual(['Account CREATE', 'Contact CREATE', 'Lead UPDATE']);
    expect(new Set(conversion.map((e) => e.payload.ChangeEventHeader.transactionKey)).size).toBe(1);
    expect(conversion[2]?.payload).toMatchObject({ IsConverted: true, Status: 'Closed - Converted' });

    const contactId = conversion[1]?.payload.ChangeEventHeader.recordIds[0] as string;
    await conn.sobject('Contact').destroy(contactId);
    await emulator.control.undeleteRecord(contactId);
    await until(() => events.length === 6, 'delete and undelete');
    expect(events.slice(4).map((e) => e.payload.ChangeEventHeader.changeType)).toEqual([
      'DELETE',
      'UNDELETE',
    ]);
  });

  it('replays retained events (-2) and events after a replayId, and keeps orgs apart', async () => {
    await conn.sobject('Account').create({ Name: 'One' });
    await conn.sobject('Account').create({ Name: 'Two' });
    const all = await subscribe(conn, '/data/AccountChangeEvent', -2);
    await until(() => all.length === 2, 'replay of all');
    const firstReplayId = all[0]?.event.replayId as number;
    const after = await subscribe(conn, '/data/AccountChangeEvent', firstReplayId);
    await until(() => after.length === 1, 'replay after an id');
    expect(after[0]?.payload.Name).toBe('Two');

    await emulator.control.createOrg({ name: 'elsewhere' });
    const { conn: other } = await login(emulator, { username: 'admin@elsewhere.example' });
    const otherEvents = await subscribe(other, '/data/AccountChangeEvent', -2);
    await conn.sobject('Account').create({ Name: 'Three' });
    await other.sobject('Account').create({ Name: 'Theirs' });
    await until(() => otherEvents.length === 1 && all.length === 3, 'live events');
    expect(otherEvents[0]?.payload.Name).toBe('Theirs');
    expect(all[2]?.payload.Name).toBe('Three');
  });

  it('refuses an ended session with 401::Authentication invalid', async () => {
    const failures: unknown[] = [];
    await subscribe(conn, '/data/LeadChangeEvent', -1, [
      new StreamingExtension.AuthFailure((error: unknown) => failures.push(error)),
    ]);
    await emulator.control.expireAccessTokens();
    await until(() => failures.length > 0, 'the auth failure');
    expect(JSON.stringify(failures[0])).toContain('401::Authentication invalid');
  });
});
