import type { Connection } from 'jsforce';
import type { SalesforceEmulator, ControlApiError } from '../../../emulators/salesforce';
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
};

describe('fault injection', () => {
  it('fails the next N calls to a route with UNABLE_TO_LOCK_ROW, then recovers', async () => {
    await emulator.control.addFault({
      kind: 'unable_to_lock_row',
      route: '/services/data/vXX.X/sobjects/:sobject',
      method: 'POST',
      times: 2,
    });
    for (let n = 0; n < 2; n++) {
      const error = await rejection(conn.sobject('Contact').create({ LastName: 'x' }));
      expect(error.errorCode).toBe('UNABLE_TO_LOCK_ROW');
      expect(error.message).toMatch(/^unable to obtain exclusive access to this record/);
    }
    expect((await conn.sobject('Contact').create({ LastName: 'x' })).success).toBe(true);
    expect(await emulator.control.listFaults()).toEqual([]);
  });

  it('fails chosen records of a collection call, leaving the others written', async () => {
    await emulator.control.addFault({
      kind: 'unable_to_lock_row',
      route: '/services/data/vXX.X/composite/sobjects',
      recordIndexes: [1],
    });
    const results = (await conn
      .sobject('Contact')
      .create([{ LastName: 'a' }, { LastName: 'b' }, { LastName: 'c' }])) as SaveResult[];
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]?.errors[0]?.statusCode).toBe('UNABLE_TO_LOCK_ROW');
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(2);
  });

  it('simulates validation-rule failures and duplicate rules', async () => {
    await emulator.control.addFault({
      kind: 'validation_rule',
      route: '/services/data/vXX.X/sobjects/:sobject/:id',
      sobject: 'Contact',
      message: 'Phone must be in E.164 format',
      fields: ['Phone'],
    });
    const { id } = (await conn.sobject('Contact').create({ LastName: 'v' })) as { id: string };
    const error = await rejection(conn.sobject('Contact').update({ Id: id, Phone: '123' }));
    expect(error.data).toEqual({
      message: 'Phone must be in E.164 format',
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      fields: ['Phone'],
    });
    await emulator.control.addFault({
      kind: 'duplicates_detected',
      route: '/services/data/vXX.X/composite/sobjects',
    });
    const dup = (await conn.sobject('Contact').create([{ LastName: 'd' }])) as SaveResult[];
    expect(dup[0]?.errors[0]).toEqual({
      statusCode: 'DUPLICATES_DETECTED',
      message: 'Use one of these records?',
      fields: [],
    });
  });

  it('answers 503 once: jsforce retries a GET and succeeds; a POST surfaces the error', async () => {
    await emulator.control.addFault({ kind: 'http_error', status: 503, route: '/services/data/vXX.X/query' });
    await emulator.control.resetCalls();
    expect((await conn.query('SELECT Id FROM Contact')).done).toBe(true);
    expect((await emulator.control.calls()).byRoute['GET /services/data/vXX.X/query']).toBe(2);

    await emulator.control.addFault({
      kind: 'http_error',
      status: 503,
      route: '/services/data/vXX.X/composite/sobjects',
      method: 'POST',
    });
    const error = await rejection(conn.sobject('Contact').create([{ LastName: 'x' }]));
    expect(error.errorCode).toBe('SERVER_UNAVAILABLE');
  });

  it('hangs a call and drops the connection after a delay; jsforce retries the GET', async () => {
    await emulator.control.addFault({
      kind: 'hang',
      delayMs: 100,
      route: '/services/data/vXX.X/sobjects/:sobject/describe',
    });
    const describe = await conn.sobject('Account').describe();
    expect(describe.name).toBe('Account');
  });

  it('slows a call down, and applies a global latency', async () => {
    await emulator.control.addFault({ kind: 'slow', delayMs: 150, route: '/services/data/vXX.X/limits' });
    const faults = await emulator.control.listFaults();
    expect(faults).toEqual([expect.objectContaining({ kind: 'slow', remaining: 1 })]);
    await conn.limits();
    expect(await emulator.control.listFaults()).toEqual([]);
    await emulator.control.setLatency(20);
    expect((await conn.query('SELECT Id FROM Contact')).done).toBe(true);
    await emulator.control.setLatency(0);
  });

  it('scopes faults to an org', async () => {
    await emulator.control.createOrg({ name: 'other' });
    await emulator.control.addFault({
      kind: 'unable_to_lock_row',
      org: 'other',
      route: '/services/data/vXX.X/sobjects/:sobject',
      method: 'POST',
    });
    expect((await conn.sobject('Contact').create({ LastName: 'x' })).success).toBe(true);
    const { conn: other } = await login(emulator, { username: 'admin@other.example' });
    expect((await rejection(other.sobject('Contact').create({ LastName: 'x' }))).errorCode).toBe(
      'UNABLE_TO_LOCK_ROW',
    );
  });
});

describe('call counters, quota and limits', () => {
  it('counts calls per method and route, and per object touched, per org, and resets', async () => {
    await emulator.control.resetCalls();
    await conn.sobject('Contact').create({ LastName: 'a' });
    const account = await conn.sobject('Account').create({ Name: 'b' });
    await conn.query('SELECT Id FROM Contact');
    await conn.sobject('Account').update([{ Id: String(account.id), Name: 'c' }], { allOrNone: false });
    const calls = await emulator.control.calls({ org: 'default' });
    expect(calls).toEqual({
      total: 4,
      byRoute: {
        'POST /services/data/vXX.X/sobjects/:sobject': 2,
        'GET /services/data/vXX.X/query': 1,
        'PATCH /services/data/vXX.X/composite/sobjects': 1,
      },
      // A query counts for the object it reads from, a collection for its records' types.
      byObject: {
        Contact: { 'POST /services/data/vXX.X/sobjects/:sobject': 1, 'GET /services/data/vXX.X/query': 1 },
        Account: {
          'POST /services/data/vXX.X/sobjects/:sobject': 1,
          'PATCH /services/data/vXX.X/composite/sobjects': 1,
        },
      },
    });
    expect((await emulator.control.calls({ org: 'uat' })).total).toBe(0);
    await emulator.control.resetCalls();
    expect((await emulator.control.calls()).total).toBe(0);
  });

  it('tracks the daily quota in Sforce-Limit-Info, /limits and limitInfo, and refuses calls when spent', async () => {
    await emulator.control.setDailyApiLimit(1000);
    await emulator.control.setApiUsage(997);
    await conn.query('SELECT Id FROM Contact');
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 998, limit: 1000 } });
    const limits = (await conn.limits()) as unknown as {
      DailyApiRequests: { Max: number; Remaining: number };
    };
    expect(limits.DailyApiRequests).toEqual({ Max: 1000, Remaining: 1 });
    await conn.query('SELECT Id FROM Contact');
    const error = await rejection(conn.query('SELECT Id FROM Contact'));
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(error.message).toBe('TotalRequests Limit exceeded.');
    expect(await emulator.control.getApiUsage()).toEqual({ used: 1000, limit: 1000 });
    // A rolling 24-hour window: a day later the calls have aged out.
    await emulator.control.advanceClock(24 * 3600_000 + 60_000);
    expect((await conn.query('SELECT Id FROM Contact')).done).toBe(true);
    expect(conn.limitInfo.apiUsage?.used).toBe(1);
  });
});

describe('simulated users, schema and seed', () => {
  it('records edits by a named user', async () => {
    const { id } = await emulator.control.createRecord(
      'Account',
      { Name: 'UI made' },
      { asUser: 'rep@sandbox.example' },
    );
    const users = await emulator.control.listUsers();
    const rep = users.find((u) => u.role === 'rep');
    const admin = users.find((u) => u.role === 'admin');
    expect(rep?.username).toBe('rep@sandbox.example');
    expect(admin?.username).toBe('admin@default.example');
    const record = await conn.sobject('Account').retrieve(id);
    expect(record).toMatchObject({ CreatedById: rep?.id, LastModifiedById: rep?.id, OwnerId: rep?.id });
    await emulator.control.updateRecord(id, { Website: 'example.com' }, { asUser: 'admin@default.example' });
    expect((await conn.sobject('Account').retrieve(id)).LastModifiedById).toBe(admin?.id);
    const deleted = await emulator.control.deleteRecord(id);
    expect(deleted.IsDeleted).toBe(true);
    const error = await emulator.control.updateRecord(id, { Name: 'x' }).catch((e: unknown) => e);
    expect((error as ControlApiError).code).toBe('ENTITY_IS_DELETED');
    const unknownUser = await emulator.control
      .createRecord('Account', { Name: 'x' }, { asUser: 'nobody@x.example' })
      .catch((e: unknown) => e);
    expect((unknownUser as ControlApiError).status).toBe(404);
  });

  it('adds, changes and removes custom fields per org', async () => {
    await emulator.control.addField('Contact', {
      name: 'Tier__c',
      type: 'picklist',
      picklistValues: ['Gold', 'Silver'],
      restrictedPicklist: true,
      required: false,
    });
    const described = await conn.sobject('Contact').describe();
    expect(described.fields.find((f) => f.name === 'Tier__c')).toMatchObject({
      type: 'picklist',
      custom: true,
      restrictedPicklist: true,
    });
    const { id } = (await conn.sobject('Contact').create({ LastName: 'T', Tier__c: 'gold' })) as {
      id: string;
    };
    expect((await conn.sobject('Contact').retrieve(id)).Tier__c).toBe('Gold');
    expect(
      (await rejection(conn.sobject('Contact').create({ LastName: 'T', Tier__c: 'Bronze' }))).errorCode,
    ).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');

    await emulator.control.updateField('Contact', 'HubSpot_Id__c', { updateable: false });
    const readOnly = await rejection(conn.sobject('Contact').update({ Id: id, HubSpot_Id__c: 'x' }));
    expect(readOnly.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');

    await emulator.control.removeField('Lead', 'HubSpot_Id__c', { org: 'default' });
    const lead = await emulator.control.getOrg();
    expect(lead.name).toBe('default');
    const error = await rejection(conn.query('SELECT HubSpot_Id__c FROM Lead'));
    expect(error.errorCode).toBe('INVALID_FIELD');
    const other = await emulator.control.createOrg({ name: 'untouched' });
    const { conn: untouched } = await login(emulator, { username: other.users[0]?.username as string });
    expect((await untouched.query('SELECT HubSpot_Id__c FROM Lead')).done).toBe(true);
  });

  it('has no CurrencyIsoCode until multi-currency is on; then every record has one, the corporate one by default', async () => {
    const before = await conn.sobject('Opportunity').describe();
    expect(before.fields.some((f) => f.name === 'CurrencyIsoCode')).toBe(false);
    const { id: existing } = (await conn
      .sobject('Opportunity')
      .create({ Name: 'Before', StageName: 'Prospecting', CloseDate: '2027-01-31' })) as { id: string };

    await emulator.control.enableMultiCurrency({ corporateCurrency: 'USD', currencies: ['EUR', 'GBP'] });
    const after = await conn.sobject('Opportunity').describe();
    expect(after.fields.find((f) => f.name === 'CurrencyIsoCode')).toMatchObject({
      type: 'picklist',
      restrictedPicklist: true,
      nillable: false,
      defaultedOnCreate: true,
    });
    expect(
      after.fields.find((f) => f.name === 'CurrencyIsoCode')?.picklistValues?.map((v) => v.value),
    ).toEqual(['USD', 'EUR', 'GBP']);
    expect((await conn.sobject('Opportunity').retrieve(existing)).CurrencyIsoCode).toBe('USD');
    const { id } = (await conn.sobject('Opportunity').create({
      Name: 'In euros',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
      Amount: 100,
      CurrencyIsoCode: 'EUR',
    })) as { id: string };
    const rows = await conn.query<{ CurrencyIsoCode: string }>(
      `SELECT CurrencyIsoCode FROM Opportunity WHERE Id = '${id}'`,
    );
    expect(rows.records[0]?.CurrencyIsoCode).toBe('EUR');
    const refused = await rejection(conn.sobject('Opportunity').update({ Id: id, CurrencyIsoCode: 'JPY' }));
    expect(refused.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });

  it('lists only Master in recordTypeInfos until an admin defines record types', async () => {
    // jsforce's type leaves out developerName, which the describe carries.
    type Info = {
      developerName: string;
      master: boolean;
      available: boolean;
      defaultRecordTypeMapping: boolean;
      recordTypeId: string;
    };
    const infos = async (sobject: string) =>
      (await conn.sobject(sobject).describe()).recordTypeInfos as unknown as Info[];
    const before = await infos('Opportunity');
    const fieldsBefore = (await conn.sobject('Opportunity').describe()).fields;
    expect(fieldsBefore.some((f) => f.name === 'RecordTypeId')).toBe(false);
    expect(before.map((info) => [info.developerName, info.master, info.available])).toEqual([
      ['Master', true, true],
    ]);
    const { recordType } = await emulator.control.addRecordType('Opportunity', {
      developerName: 'Renewal',
      label: 'Renewal',
    });
    expect(recordType.id).toMatch(/^012/);
    await emulator.control.addRecordType('Opportunity', { developerName: 'New_Business' });
    const after = await infos('Opportunity');
    expect(after.map((info) => [info.developerName, info.defaultRecordTypeMapping, info.available])).toEqual([
      ['Renewal', true, true],
      ['New_Business', false, true],
      ['Master', false, false],
    ]);
    expect(after[0]?.recordTypeId).toBe(recordType.id);
    // Records carry it: the default (first defined) unless given; one the object does not have is refused.
    const create = (fields: Record<string, unknown>) =>
      conn
        .sobject('Opportunity')
        .create({ Name: 'R', StageName: 'Prospecting', CloseDate: '2027-01-31', ...fields });
    const plain = (await create({})) as { id: string };
    expect((await conn.sobject('Opportunity').retrieve(plain.id)).RecordTypeId).toBe(recordType.id);
    const other = after[1]?.recordTypeId as string;
    const typed = (await create({ RecordTypeId: other })) as { id: string };
    const rows = await conn.query<{ RecordTypeId: string }>(
      `SELECT RecordTypeId FROM Opportunity WHERE Id = '${typed.id}'`,
    );
    expect(rows.records[0]?.RecordTypeId).toBe(other);
    expect((await rejection(create({ RecordTypeId: '012000000000999AAA' }))).errorCode).toBe(
      'INVALID_CROSS_REFERENCE_KEY',
    );
    expect((await infos('Account')).map((info) => info.developerName)).toEqual(['Master']);
  });

  it('seeds realistic, messy data', async () => {
    const seeded = await emulator.control.seed({
      accounts: 12,
      leads: 20,
      convertedLeads: 4,
      opportunities: 10,
      randomSeed: 7,
    });
    expect(seeded.convertedLeads).toHaveLength(4);
    const contacts = (
      await conn.query<{ Email: string | null }>('SELECT Email FROM Contact').run({ autoFetch: true })
    ).records;
    const emails = contacts.map((c) => c.Email).filter((e): e is string => e !== null);
    const lower = emails.map((e) => e.toLowerCase());
    expect(new Set(lower).size).toBeLessThan(lower.length);
    expect(emails.some((e) => e !== e.toLowerCase())).toBe(true);
    expect(contacts.some((c) => c.Email === null)).toBe(true);
    const stages = await conn.query<{ StageName: string }>('SELECT StageName FROM Opportunity');
    expect(new Set(stages.records.map((s) => s.StageName)).size).toBeGreaterThan(4);
    const converted = await conn.query('SELECT Id FROM Lead WHERE IsConverted = true');
    expect(converted.totalSize).toBe(4);
    const websites = await conn.query<{ Website: string | null }>('SELECT Website FROM Account');
    expect(
      new Set(
        websites.records.map((w) => (w.Website ?? '').replace(/^(https?:\/\/)?(www\.)?/i, '').slice(0, 3)),
      ).size,
    ).toBeGreaterThan(3);
    const users = await emulator.control.listUsers();
    expect(users.some((u) => !u.isActive)).toBe(true);
    const again = await emulator.control.seed({
      accounts: 12,
      leads: 20,
      convertedLeads: 4,
      opportunities: 10,
      randomSeed: 7,
    });
    expect(again.accounts.length).toBe(seeded.accounts.length);
  });

  it('creates sandbox orgs with their own settings and lists them', async () => {
    const org = await emulator.control.createOrg({
      name: 'qa',
      kind: 'sandbox',
      settings: { dailyApiLimit: 5000, rotateRefreshTokens: true },
    });
    expect(org).toMatchObject({
      kind: 'sandbox',
      loginUrl: `${emulator.baseUrl}/sandbox`,
      instanceUrl: emulator.baseUrl,
      settings: { dailyApiLimit: 5000, rotateRefreshTokens: true },
    });
    const names = (await emulator.control.listOrgs()).map((o) => o.name);
    expect(names).toEqual(['default', 'uat', 'qa']);
    const taken = await emulator.control.createOrg({ name: 'qa' }).catch((e: unknown) => e);
    expect((taken as ControlApiError).status).toBe(409);
    const invalid = await emulator.control.createOrg({ name: 'Bad Name' }).catch((e: unknown) => e);
    expect((invalid as ControlApiError).code).toBe('invalid_request');
  });
});
