import type { Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, sdk, startEmulator } from './support';

const START_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
let nowMs = START_MS;
const clock = { nowMs: () => nowMs };

let emulator: HubSpotEmulator;
let client: Client;

beforeAll(async () => {
  emulator = await startEmulator({ clock });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  nowMs = START_MS;
  await emulator.control.reset();
  // Search is limited to 5 calls per second; these tests move the clock instead of waiting.
  await emulator.control.updateSettings({ rateLimits: { searchPerSecond: 1000 } });
  client = sdk(emulator, (await emulator.control.issueToken(emulator.defaultPortalId)).accessToken);
});

type Filter = {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
};

async function searchContacts(filters: Filter[][], extra: Record<string, unknown> = {}) {
  return client.crm.contacts.searchApi.doSearch({
    filterGroups: filters.map((group) => ({ filters: group as never })),
    properties: ['email', 'firstname', 'lastname', 'lifecyclestage'],
    limit: 100,
    after: '0',
    sorts: [],
    ...extra,
  });
}

async function seedPeople() {
  const people: Array<Record<string, string>> = [
    { email: 'ana@acme.com', firstname: 'Ana', lastname: 'Lopez', lifecyclestage: 'lead', city: 'Madrid' },
    { email: 'bo@acme.com', firstname: 'Bo', lastname: 'Chen', lifecyclestage: 'customer', city: 'Berlin' },
    { email: 'cy@globex.com', firstname: 'Cy', lastname: 'Young', lifecyclestage: 'customer' },
    {
      email: 'di@initech.io',
      firstname: 'Di',
      lastname: 'Lopez-Garcia',
      lifecyclestage: 'subscriber',
      city: 'Lyon',
    },
  ];
  const ids: string[] = [];
  for (const properties of people) {
    nowMs += 1000;
    ids.push((await client.crm.contacts.basicApi.create({ properties, associations: [] })).id);
  }
  return ids;
}

const emails = (result: { results: Array<{ properties: Record<string, string | null> }> }) =>
  result.results.map((item) => item.properties.email);

describe('filters', () => {
  it.each<[string, Filter[][], string[]]>([
    [
      'EQ (case-insensitive)',
      [[{ propertyName: 'firstname', operator: 'EQ', value: 'ANA' }]],
      ['ana@acme.com'],
    ],
    [
      'NEQ (includes records without the value)',
      [[{ propertyName: 'city', operator: 'NEQ', value: 'Berlin' }]],
      ['ana@acme.com', 'cy@globex.com', 'di@initech.io'],
    ],
    [
      'IN (lower-case values)',
      [[{ propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'subscriber'] }]],
      ['ana@acme.com', 'di@initech.io'],
    ],
    [
      'IN with upper-case values matches nothing',
      [[{ propertyName: 'firstname', operator: 'IN', values: ['Ana'] }]],
      [],
    ],
    [
      'NOT_IN',
      [[{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['customer'] }]],
      ['ana@acme.com', 'di@initech.io'],
    ],
    [
      'HAS_PROPERTY',
      [[{ propertyName: 'city', operator: 'HAS_PROPERTY' }]],
      ['ana@acme.com', 'bo@acme.com', 'di@initech.io'],
    ],
    ['NOT_HAS_PROPERTY', [[{ propertyName: 'city', operator: 'NOT_HAS_PROPERTY' }]], ['cy@globex.com']],
    [
      'CONTAINS_TOKEN on a word',
      [[{ propertyName: 'lastname', operator: 'CONTAINS_TOKEN', value: 'lopez' }]],
      ['ana@acme.com', 'di@initech.io'],
    ],
    [
      'CONTAINS_TOKEN with a wildcard',
      [[{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@acme.com' }]],
      ['ana@acme.com', 'bo@acme.com'],
    ],
    [
      'NOT_CONTAINS_TOKEN',
      [[{ propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: 'acme' }]],
      ['cy@globex.com', 'di@initech.io'],
    ],
    [
      'AND inside a group, OR between groups',
      [
        [
          { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
          { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: 'acme' },
        ],
        [{ propertyName: 'firstname', operator: 'EQ', value: 'di' }],
      ],
      ['bo@acme.com', 'di@initech.io'],
    ],
  ])('%s', async (_name, filters, expected) => {
    await seedPeople();
    expect(emails(await searchContacts(filters))).toEqual(expected);
  });

  it('compares datetimes given as epoch milliseconds (LT, GTE, BETWEEN) and numbers by value', async () => {
    await seedPeople();
    const cutoff = String(START_MS + 2500);
    expect(
      emails(await searchContacts([[{ propertyName: 'createdate', operator: 'GTE', value: cutoff }]])),
    ).toEqual(['cy@globex.com', 'di@initech.io']);
    expect(
      emails(await searchContacts([[{ propertyName: 'lastmodifieddate', operator: 'LT', value: cutoff }]])),
    ).toEqual(['ana@acme.com', 'bo@acme.com']);
    const between = await searchContacts([
      [
        {
          propertyName: 'createdate',
          operator: 'BETWEEN',
          value: String(START_MS + 2000),
          highValue: String(START_MS + 3000),
        },
      ],
    ]);
    expect(emails(between)).toEqual(['bo@acme.com', 'cy@globex.com']);
    for (const amount of ['900', '1000', '25000']) {
      await client.crm.deals.basicApi.create({
        properties: { dealname: `Deal ${amount}`, amount },
        associations: [],
      });
    }
    const big = await client.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GT' as never, value: '950' }] }],
      properties: ['amount'],
      sorts: ['-amount'],
      limit: 10,
      after: '0',
    });
    expect(big.results.map((deal) => deal.properties.amount)).toEqual(['25000', '1000']);
  });

  it('matches free text across the searchable properties', async () => {
    await seedPeople();
    expect(emails(await searchContacts([], { query: 'lop' }))).toEqual(['ana@acme.com', 'di@initech.io']);
    expect(emails(await searchContacts([], { query: 'globex' }))).toEqual(['cy@globex.com']);
  });

  it('refuses unknown properties, missing values and too many filter groups', async () => {
    expect(
      (await apiError(searchContacts([[{ propertyName: 'nope', operator: 'EQ', value: 'x' }]]))).code,
    ).toBe(400);
    expect((await apiError(searchContacts([[{ propertyName: 'email', operator: 'EQ' }]]))).code).toBe(400);
    const six = Array.from({ length: 6 }, () => [{ propertyName: 'email', operator: 'HAS_PROPERTY' }]);
    expect((await apiError(searchContacts(six))).code).toBe(400);
  });
});

describe('sorting, paging and limits', () => {
  it('sorts by one property in any of the three accepted forms', async () => {
    await seedPeople();
    const bySorts = async (sorts: unknown[]) => emails(await searchContacts([], { sorts }));
    expect(await bySorts(['lastname'])).toEqual([
      'bo@acme.com',
      'ana@acme.com',
      'di@initech.io',
      'cy@globex.com',
    ]);
    expect(await bySorts(['-createdate'])).toEqual([
      'di@initech.io',
      'cy@globex.com',
      'bo@acme.com',
      'ana@acme.com',
    ]);
    expect(await bySorts([{ propertyName: 'firstname', direction: 'DESCENDING' }])).toEqual([
      'di@initech.io',
      'cy@globex.com',
      'bo@acme.com',
      'ana@acme.com',
    ]);
  });

  it('pages with after offsets, reports the total, caps limit at 200 and paging at 10,000', async () => {
    await client.crm.companies.batchApi.create({
      inputs: Array.from({ length: 25 }, (_, index) => ({
        properties: { name: `Co ${String(index).padStart(2, '0')}` },
        associations: [],
      })),
    });
    const first = await client.crm.companies.searchApi.doSearch({
      filterGroups: [],
      sorts: ['name'],
      properties: ['name'],
      limit: 10,
      after: '0',
    });
    expect(first.total).toBe(25);
    expect(first.results.map((company) => company.properties.name)).toEqual(
      Array.from({ length: 10 }, (_, index) => `Co 0${index}`),
    );
    expect(first.paging?.next?.after).toBe('10');
    const last = await client.crm.companies.searchApi.doSearch({
      filterGroups: [],
      sorts: ['name'],
      properties: ['name'],
      limit: 10,
      after: '20',
    });
    expect(last.results).toHaveLength(5);
    expect(last.paging).toBeUndefined();
    const tooBig = await apiError(
      client.crm.companies.searchApi.doSearch({
        filterGroups: [],
        sorts: [],
        properties: [],
        limit: 201,
        after: '0',
      }),
    );
    expect(tooBig.code).toBe(400);
    const beyond = await apiError(
      client.crm.companies.searchApi.doSearch({
        filterGroups: [],
        sorts: [],
        properties: [],
        limit: 10,
        after: '10000',
      }),
    );
    expect(beyond.code).toBe(400);
    expect(beyond.body.category).toBe('VALIDATION_ERROR');
  });

  it('never returns archived records', async () => {
    const [ana] = await seedPeople();
    await client.crm.contacts.basicApi.archive(ana ?? '');
    const result = await searchContacts([[{ propertyName: 'email', operator: 'HAS_PROPERTY' }]]);
    expect(result.total).toBe(3);
    expect(emails(result)).not.toContain('ana@acme.com');
  });
});

describe('indexing delay', () => {
  it('shows writes to search only after the delay, with the old values until then', async () => {
    await emulator.control.updateSettings({ search: { indexingDelayMs: 5000 } });
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'late@example.com', firstname: 'Old' },
      associations: [],
    });
    const find = () =>
      searchContacts([[{ propertyName: 'email', operator: 'EQ', value: 'late@example.com' }]]);
    expect((await find()).total).toBe(0);
    nowMs += 5000;
    expect((await find()).results[0]?.properties.firstname).toBe('Old');
    await client.crm.contacts.basicApi.update(created.id, { properties: { firstname: 'New' } });
    expect((await find()).results[0]?.properties.firstname).toBe('Old');
    // A direct read is never stale.
    expect((await client.crm.contacts.basicApi.getById(created.id, ['firstname'])).properties.firstname).toBe(
      'New',
    );
    nowMs += 5000;
    expect((await find()).results[0]?.properties.firstname).toBe('New');
  });
});

describe("HubSpot's own processes", () => {
  it('move the last-modified date without a synced property changing, and search finds the record by it', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'quiet@example.com', firstname: 'Quiet' },
      associations: [],
    });
    nowMs += 60_000;
    await emulator.control.systemUpdate(emulator.defaultPortalId, 'contacts', created.id);
    const read = await client.crm.contacts.basicApi.getById(created.id, ['firstname'], ['firstname']);
    expect(Date.parse(read.properties.lastmodifieddate ?? '')).toBe(nowMs);
    expect(read.propertiesWithHistory?.firstname).toHaveLength(1);
    const raw = await emulator.control.record(emulator.defaultPortalId, 'contacts', created.id);
    expect(raw.propertiesWithHistory.lastmodifieddate?.[0]).toMatchObject({ sourceType: 'CALCULATED' });
    const since = await searchContacts([
      [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(nowMs) }],
    ]);
    expect(since.results.map((result) => result.id)).toEqual([created.id]);
    // A property the portal does not have is refused.
    const refused = await emulator.control
      .systemUpdate(emulator.defaultPortalId, 'contacts', created.id, { no_such_property: 'x' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
  });
});
