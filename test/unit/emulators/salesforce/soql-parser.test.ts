import { parseSoql } from '../../../emulators/salesforce/soql/parser';
import { SfError } from '../../../emulators/salesforce/core/errors';

function malformed(soql: string): string {
  try {
    parseSoql(soql);
  } catch (error) {
    expect(error).toBeInstanceOf(SfError);
    expect((error as SfError).errorCode).toBe('MALFORMED_QUERY');
    return (error as SfError).message;
  }
  throw new Error(`expected ${soql} to be malformed`);
}

describe('SOQL parser', () => {
  it('parses fields, parent paths, subqueries, WHERE, ORDER BY, LIMIT and OFFSET', () => {
    const query = parseSoql(
      "SELECT Id, Account.Owner.Name, (SELECT LastName FROM Contacts) FROM Account a WHERE (Name LIKE 'A%' OR NOT Industry = null) AND NumberOfEmployees >= -5 ORDER BY Name DESC NULLS FIRST, Id LIMIT 10 OFFSET 5",
    );
    expect(query.select.map((s) => s.kind)).toEqual(['field', 'field', 'subquery']);
    expect(query.select[1]).toMatchObject({ path: ['Account', 'Owner', 'Name'] });
    expect(query.alias).toBe('a');
    expect(query.where).toMatchObject({
      kind: 'and',
      items: [
        {
          kind: 'or',
          items: [
            { kind: 'compare', op: 'LIKE' },
            { kind: 'not', item: { kind: 'compare', op: '=', value: { kind: 'null' } } },
          ],
        },
        { kind: 'compare', op: '>=', value: { kind: 'number', value: -5 } },
      ],
    });
    expect(query.orderBy).toMatchObject([
      { text: 'Name', descending: true, nullsLast: false },
      { text: 'Id', descending: false, nullsLast: false },
    ]);
    expect([query.limit, query.offset]).toEqual([10, 5]);
  });

  it('reads literals: strings with escapes, dates, datetimes, booleans and date ranges', () => {
    const query = parseSoql(
      "SELECT Id FROM Contact WHERE LastName = 'O\\'Brien' AND Birthdate = 2026-01-31 AND CreatedDate > 2026-01-01T10:00:00.123+01:00 AND IsDeleted = FALSE AND LastModifiedDate = LAST_N_DAYS:30 AND Id IN ('a', 'b') AND Interests__c INCLUDES ('x;y')",
    );
    const items = (query.where as { items: { value?: unknown; values?: unknown }[] }).items;
    expect(items[0]?.value).toEqual({ kind: 'string', value: "O'Brien" });
    expect(items[1]?.value).toEqual({ kind: 'date', value: '2026-01-31' });
    expect(items[2]?.value).toMatchObject({ kind: 'datetime', ms: Date.UTC(2026, 0, 1, 9, 0, 0, 123) });
    expect(items[3]?.value).toEqual({ kind: 'boolean', value: false });
    expect(items[4]?.value).toEqual({ kind: 'dateRange', name: 'LAST_N_DAYS', n: 30 });
    expect(items[5]?.values).toHaveLength(2);
    expect(items[6]).toMatchObject({ kind: 'includes', values: ['x;y'] });
  });

  it('parses COUNT(), aggregates with aliases, FIELDS() and semi-joins', () => {
    expect(parseSoql('SELECT COUNT() FROM Lead').select).toEqual([{ kind: 'count', offset: 7 }]);
    expect(
      parseSoql('SELECT LeadSource, COUNT(Id) total FROM Lead GROUP BY LeadSource').select[1],
    ).toMatchObject({ fn: 'COUNT', alias: 'total' });
    expect(parseSoql('SELECT FIELDS(STANDARD) FROM Lead').select[0]).toMatchObject({
      kind: 'fields',
      which: 'STANDARD',
    });
    expect(
      parseSoql('SELECT Id FROM Contact WHERE Id NOT IN (SELECT ContactId FROM OpportunityContactRole)')
        .where,
    ).toMatchObject({ kind: 'inQuery', negated: true });
  });

  it('reports the position of syntax errors', () => {
    expect(malformed('SELECT FROM Contact')).toBe(
      'SELECT FROM Contact\n       ^\nERROR at Row:1:Column:8\nunexpected token: FROM',
    );
    expect(malformed("SELECT Id FROM Contact WHERE Name = 'open")).toMatch(/expecting '''/);
    expect(malformed('SELECT Id FROM Contact LIMIT ten')).toMatch(/unexpected token: ten/);
    expect(malformed('SELECT Id FROM Contact WHERE Name == 1')).toMatch(/unexpected token: =/);
    expect(malformed('SELECT Id FROM Contact trailing junk')).toMatch(/unexpected token: junk/);
  });
});
