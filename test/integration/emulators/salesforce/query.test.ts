import type { Connection } from 'jsforce';
import { SfDate } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login, rejection } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;
let ids: Record<string, string>;

type Row = Record<string, unknown>;

async function rows(soql: string): Promise<Row[]> {
  return (await conn.query<Row>(soql)).records;
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
  ({ conn } = await login(emulator));
  const acme = await conn
    .sobject('Account')
    .create({ Name: 'Acme', Industry: 'Technology', NumberOfEmployees: 50, Website: 'acme.example.com' });
  const globex = await conn
    .sobject('Account')
    .create({ Name: 'Globex', Industry: 'Energy', NumberOfEmployees: 500 });
  await emulator.control.advanceClock(60_000);
  const ada = await conn.sobject('Contact').create({
    FirstName: 'Ada',
    LastName: 'Lovelace',
    Email: 'Ada@Acme.example.com',
    AccountId: acme.id,
    Interests__c: 'Webinars;Events',
  });
  const bob = await conn.sobject('Contact').create({
    FirstName: 'Bob',
    LastName: "O'Brien",
    Email: null,
    AccountId: acme.id,
    Interests__c: 'Newsletter',
  });
  const cy = await conn
    .sobject('Contact')
    .create({ FirstName: 'Cy', LastName: 'Young', Email: 'cy@globex.example.com', AccountId: globex.id });
  const orphan = await conn.sobject('Contact').create({ LastName: 'Orphan' });
  const deal = await conn.sobject('Opportunity').create({
    Name: 'Big deal',
    StageName: 'Prospecting',
    CloseDate: '2026-06-30',
    Amount: 1000,
    AccountId: acme.id,
  });
  await conn.sobject('Opportunity').create({
    Name: 'Small deal',
    StageName: 'Closed Won',
    CloseDate: '2026-01-15',
    Amount: 200,
    AccountId: acme.id,
  });
  await conn
    .sobject('OpportunityContactRole')
    .create({ OpportunityId: deal.id, ContactId: ada.id, IsPrimary: true, Role: 'Decision Maker' });
  ids = {
    acme: acme.id,
    globex: globex.id,
    ada: ada.id,
    bob: bob.id,
    cy: cy.id,
    orphan: orphan.id,
    deal: deal.id,
  } as Record<string, string>;
});
afterAll(() => emulator.close());

describe('SELECT', () => {
  it('returns selected fields in order, with parent paths as nested records', async () => {
    const [ada] = await rows(
      `SELECT Id, Name, Account.Name, Account.Owner.Username FROM Contact WHERE Id = '${ids.ada as string}'`,
    );
    expect(Object.keys(ada ?? {})).toEqual(['attributes', 'Id', 'Name', 'Account']);
    expect(ada).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${ids.ada as string}` },
      Id: ids.ada,
      Name: 'Ada Lovelace',
      Account: {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${ids.acme as string}` },
        Name: 'Acme',
        Owner: {
          attributes: { type: 'User', url: expect.stringContaining('/sobjects/User/005') },
          Username: 'admin@default.example',
        },
      },
    });
    const [orphan] = await rows(`SELECT Account.Name FROM Contact WHERE Id = '${ids.orphan as string}'`);
    expect(orphan?.Account).toBeNull();
  });

  it('is case-insensitive about keywords, objects and fields but answers with canonical names', async () => {
    const [row] = await rows(
      `select id, lastname, ACCOUNT.name from contact where ID = '${(ids.cy as string).slice(0, 15)}'`,
    );
    expect(row).toMatchObject({ Id: ids.cy, LastName: 'Young', Account: { Name: 'Globex' } });
  });

  it('supports child subqueries and semi-joins', async () => {
    const [acme] = await rows(
      `SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName), (SELECT Name FROM Opportunities WHERE IsWon = true) FROM Account WHERE Id = '${ids.acme as string}'`,
    );
    expect(acme?.Contacts).toMatchObject({
      totalSize: 2,
      done: true,
      records: [{ LastName: 'Lovelace' }, { LastName: "O'Brien" }],
    });
    expect(acme?.Opportunities).toMatchObject({ totalSize: 1, records: [{ Name: 'Small deal' }] });
    const [globex] = await rows(
      `SELECT (SELECT Name FROM Opportunities) FROM Account WHERE Id = '${ids.globex as string}'`,
    );
    expect(globex?.Opportunities).toBeNull();
    const withRoles = await rows(
      'SELECT LastName FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole) ',
    );
    expect(withRoles.map((r) => r.LastName)).toEqual(['Lovelace']);
    const without = await rows(
      'SELECT LastName FROM Contact WHERE Id NOT IN (SELECT ContactId FROM OpportunityContactRole) ORDER BY LastName',
    );
    expect(without.map((r) => r.LastName)).toEqual(["O'Brien", 'Orphan', 'Young']);
  });

  it('counts with COUNT() and aggregates with GROUP BY', async () => {
    const count = await conn.query('SELECT COUNT() FROM Contact WHERE AccountId != null');
    expect(count).toMatchObject({ totalSize: 3, done: true, records: [] });
    const grouped = await rows(
      'SELECT AccountId, COUNT(Id) n, MAX(LastName) FROM Contact WHERE AccountId != null GROUP BY AccountId',
    );
    expect(grouped).toEqual(
      expect.arrayContaining([
        { attributes: { type: 'AggregateResult' }, AccountId: ids.acme, n: 2, expr0: "O'Brien" },
        { attributes: { type: 'AggregateResult' }, AccountId: ids.globex, n: 1, expr0: 'Young' },
      ]),
    );
    const [sum] = await rows('SELECT SUM(Amount), MIN(CloseDate) FROM Opportunity');
    expect(sum).toMatchObject({ expr0: 1200, expr1: '2026-01-15' });
  });

  it('expands FIELDS(ALL) only with a LIMIT of at most 200', async () => {
    const [row] = await rows(`SELECT FIELDS(ALL) FROM Account WHERE Id = '${ids.acme as string}' LIMIT 1`);
    expect(row).toMatchObject({ Name: 'Acme', HubSpot_Id__c: null, IsDeleted: false });
    const error = await rejection(conn.query('SELECT FIELDS(ALL) FROM Account'));
    expect(error.errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('WHERE', () => {
  const names = async (soql: string): Promise<unknown[]> => (await rows(soql)).map((r) => r.LastName);

  it('combines AND, OR, NOT and parentheses', async () => {
    expect(
      await names(
        "SELECT LastName FROM Contact WHERE (FirstName = 'ada' OR FirstName = 'Cy') AND NOT LastName = 'Young'",
      ),
    ).toEqual(['Lovelace']);
    expect(
      await names("SELECT LastName FROM Contact WHERE Account.Industry = 'Technology' AND Email = null"),
    ).toEqual(["O'Brien"]);
  });

  it('compares with =, !=, <, >, IN, NOT IN, LIKE and null checks (text is case-insensitive)', async () => {
    expect(await names("SELECT LastName FROM Contact WHERE Email = 'ada@acme.EXAMPLE.com'")).toEqual([
      'Lovelace',
    ]);
    expect(await names('SELECT LastName FROM Contact WHERE Email != null ORDER BY LastName')).toEqual([
      'Lovelace',
      'Young',
    ]);
    expect(await names("SELECT LastName FROM Contact WHERE LastName IN ('young', 'Nobody')")).toEqual([
      'Young',
    ]);
    expect(
      await names(
        "SELECT LastName FROM Contact WHERE LastName NOT IN ('Young', 'Lovelace') ORDER BY LastName",
      ),
    ).toEqual(["O'Brien", 'Orphan']);
    expect(await names("SELECT LastName FROM Contact WHERE LastName LIKE 'o%' ORDER BY LastName")).toEqual([
      "O'Brien",
      'Orphan',
    ]);
    expect(await names("SELECT LastName FROM Contact WHERE LastName LIKE 'O\\'B_ien'")).toEqual(["O'Brien"]);
    // \% and \_ match a literal % and _, as Salesforce's LIKE escapes do.
    expect(await names("SELECT LastName FROM Contact WHERE LastName LIKE 'O\\%'")).toEqual([]);
    expect(await names("SELECT LastName FROM Contact WHERE LastName LIKE 'O\\'B\\_ien'")).toEqual([]);
    expect(await names('SELECT LastName FROM Contact WHERE Account.NumberOfEmployees > 100')).toEqual([
      'Young',
    ]);
    expect(
      await names('SELECT LastName FROM Contact WHERE Account.NumberOfEmployees <= 50 ORDER BY LastName'),
    ).toEqual(['Lovelace', "O'Brien"]);
  });

  it('matches multi-select values with INCLUDES and EXCLUDES', async () => {
    expect(await names("SELECT LastName FROM Contact WHERE Interests__c INCLUDES ('events')")).toEqual([
      'Lovelace',
    ]);
    expect(
      await names(
        "SELECT LastName FROM Contact WHERE Interests__c INCLUDES ('Webinars;Newsletter', 'Newsletter')",
      ),
    ).toEqual(["O'Brien"]);
    expect(
      await names("SELECT LastName FROM Contact WHERE Interests__c EXCLUDES ('Webinars') ORDER BY LastName"),
    ).toEqual(["O'Brien", 'Orphan', 'Young']);
  });

  it('filters datetimes with unquoted literals and dates with date literals', async () => {
    const [acme] = await rows(`SELECT CreatedDate FROM Account WHERE Id = '${ids.acme as string}'`);
    const created = Date.parse(acme?.CreatedDate as string);
    const iso = new Date(created).toISOString().replace('.000Z', 'Z');
    expect((await rows(`SELECT Name FROM Account WHERE CreatedDate = ${iso}`)).map((r) => r.Name)).toContain(
      'Acme',
    );
    expect(await rows(`SELECT Name FROM Account WHERE CreatedDate >= ${iso}`)).toHaveLength(2);
    expect(await rows(`SELECT Name FROM Contact WHERE SystemModstamp > ${iso}`)).toHaveLength(4);
    const offset = new Date(created + 3600_000).toISOString().replace('.000Z', '+01:00');
    expect(await rows(`SELECT Name FROM Contact WHERE CreatedDate > ${offset}`)).toHaveLength(4);
    expect(await rows('SELECT Name FROM Opportunity WHERE CloseDate < 2026-02-01')).toEqual([
      expect.objectContaining({ Name: 'Small deal' }),
    ]);
    expect(await rows('SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:2')).toHaveLength(2);
    expect(await rows('SELECT Name FROM Account WHERE CreatedDate < YESTERDAY')).toHaveLength(0);
  });

  it('excludes the recycle bin from query and includes it in queryAll', async () => {
    const temp = await conn.sobject('Contact').create({ LastName: 'Temp' });
    await conn.sobject('Contact').destroy(temp.id as string);
    expect(await names("SELECT LastName FROM Contact WHERE LastName = 'Temp'")).toEqual([]);
    const all = await conn.query<Row>("SELECT LastName, IsDeleted FROM Contact WHERE LastName = 'Temp'", {
      scanAll: true,
    });
    expect(all.records).toEqual([expect.objectContaining({ LastName: 'Temp', IsDeleted: true })]);
  });
});

describe("jsforce's query builder", () => {
  it('runs the SOQL that find(), count() and findOne() generate', async () => {
    const since = SfDate.toDateTimeLiteral(new Date((await emulator.control.now()) - 3600_000));
    const found = await conn
      .sobject('Contact')
      .find(
        {
          LastName: { $in: ['Lovelace', 'Young'] },
          SystemModstamp: { $gte: since },
          $or: [{ Email: { $ne: null } }, { LastName: 'x' }],
        },
        ['Id', 'Account.Name'],
      )
      .sort('-LastName')
      .limit(5);
    expect(found.map((r) => (r.Account as { Name: string }).Name)).toEqual(['Globex', 'Acme']);
    expect(await conn.sobject('Contact').count({ LastName: { $like: 'O%' } })).toBe(2);
    const one = await conn.sobject('Account').findOne({ Name: 'Acme' }, 'Id, Website');
    expect(one).toMatchObject({ Id: ids.acme, Website: 'acme.example.com' });
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts on several keys with null placement and slices', async () => {
    const byEmail = await rows(
      "SELECT LastName FROM Contact WHERE LastName != 'Temp' ORDER BY Email NULLS LAST, LastName DESC",
    );
    expect(byEmail.map((r) => r.LastName)).toEqual(['Lovelace', 'Young', 'Orphan', "O'Brien"]);
    const ascendingNullsFirst = await rows(
      "SELECT LastName FROM Contact WHERE LastName != 'Temp' ORDER BY Email, LastName",
    );
    expect(ascendingNullsFirst.map((r) => r.LastName)).toEqual(["O'Brien", 'Orphan', 'Lovelace', 'Young']);
    const page = await rows(
      "SELECT LastName FROM Contact WHERE LastName != 'Temp' ORDER BY LastName LIMIT 2 OFFSET 1",
    );
    expect(page.map((r) => r.LastName)).toEqual(["O'Brien", 'Orphan']);
    const byParent = await rows('SELECT Name FROM Opportunity ORDER BY Account.Name DESC, Amount ASC');
    expect(byParent.map((r) => r.Name)).toEqual(['Small deal', 'Big deal']);
  });
});

describe('errors', () => {
  it('reports syntax errors as MALFORMED_QUERY with the position', async () => {
    const error = await rejection(conn.query('SELECT Id FROM Contact WHERE'));
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toBe(
      'SELECT Id FROM Contact WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: <EOF>',
    );
  });

  it('reports unknown columns and objects in Salesforce wording', async () => {
    const column = await rejection(conn.query('SELECT Id, Foo__c FROM Contact'));
    expect(column.errorCode).toBe('INVALID_FIELD');
    expect(column.message).toBe(
      "SELECT Id, Foo__c FROM Contact\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    const type = await rejection(conn.query('SELECT Id FROM Widget__c'));
    expect(type.errorCode).toBe('INVALID_TYPE');
    expect(type.message).toMatch(/sObject type 'Widget__c' is not supported\./);
    const relationship = await rejection(conn.query('SELECT Acount.Name FROM Contact'));
    expect(relationship.errorCode).toBe('INVALID_FIELD');
    expect(relationship.message).toMatch(/Didn't understand relationship 'Acount' in field path/);
  });

  it('rejects filter values of the wrong type as Salesforce does', async () => {
    const quoted = await rejection(
      conn.query("SELECT Id FROM Contact WHERE CreatedDate > '2026-01-01T00:00:00Z'"),
    );
    expect(quoted.errorCode).toBe('INVALID_FIELD');
    expect(quoted.message).toMatch(
      /value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes$/,
    );
    const badId = await rejection(conn.query("SELECT Id FROM Contact WHERE AccountId = 'abc'"));
    expect(badId.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(badId.message).toMatch(/invalid ID field: abc$/);
    const boolean = await rejection(conn.query("SELECT Id FROM Contact WHERE IsDeleted = 'false'"));
    expect(boolean.message).toMatch(/must be of type boolean/);
  });
});

describe('request size', () => {
  const idList = (count: number) =>
    Array.from({ length: count }, (_, index) => `'003000000000${String(index).padStart(3, '0')}AAA'`).join(
      ', ',
    );

  it('refuses a URI over 16,384 bytes with 414, counting the query as URL-encoded', async () => {
    await emulator.control.clearLargestRequest();
    // 470 quoted ids: about 10,400 characters of SOQL, about 12,300 once URL-encoded, plus the path.
    const fits = `SELECT Id FROM Contact WHERE Id IN (${idList(470)})`;
    await conn.query(fits);
    const largest = (await emulator.control.requestSize()).largest;
    expect(largest?.uriBytes).toBeGreaterThan(encodeURIComponent(fits).length);
    expect(largest?.uriBytes).toBeLessThan(16_384);

    // Under the limit as SOQL text, over it once encoded: the encoded length is what counts.
    const encodedTooLong = `SELECT Id FROM Contact WHERE Id IN (${idList(700)})`;
    expect(encodedTooLong.length).toBeLessThan(16_384);
    expect(encodeURIComponent(encodedTooLong).length).toBeGreaterThan(16_384);
    const refused = await rejection(conn.query(encodedTooLong));
    expect(refused.errorCode ?? refused.name).toMatch(/414/);
    const calls = await emulator.control.calls();
    expect(calls.byRoute['GET /services/data/vXX.X/query']).toBeGreaterThanOrEqual(2);
  });

  it('refuses a URI and headers together over 16,384 bytes with 431', async () => {
    const query = `SELECT Id FROM Contact WHERE Id IN (${idList(400)})`;
    await conn.query(query);
    const refused = await rejection(
      conn.request({
        method: 'GET',
        url: `/services/data/v62.0/query?q=${encodeURIComponent(query)}`,
        headers: { 'X-Padding': 'x'.repeat(4_000) },
      }),
    );
    expect(refused.errorCode ?? refused.name).toMatch(/431/);
  });

  it('applies a lower limit when told to, and back to 16,384 on reset', async () => {
    await emulator.control.setMaxRequestBytes(2_000);
    try {
      const refused = await rejection(conn.query(`SELECT Id FROM Contact WHERE Id IN (${idList(80)})`));
      expect(refused.errorCode ?? refused.name).toMatch(/414/);
    } finally {
      await emulator.control.setMaxRequestBytes(16_384);
    }
    expect((await emulator.control.requestSize()).maxRequestBytes).toBe(16_384);
  });
});
