import fc from 'fast-check';
import { packInClauses, soqlString, wireLength } from '../../../src/connectors/salesforce/soql';
import { tokenize } from '../../emulators/salesforce/soql/lexer';

const around = (where: string) => `SELECT Id, Email, HubSpot_Id__c FROM Contact WHERE (${where})`;

/** The query's length as the HTTP client sends it: jsforce's encodeURIComponent, then the URL parser's escapes. */
function onTheWire(soql: string): number {
  const url = new URL(
    `https://na1.my.salesforce.com/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
  );
  return url.search.length - '?q='.length;
}

const unescaped: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** The values a clause names, per field, read back from its text. */
function valuesIn(clause: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const match of clause.matchAll(/(\w+) IN \(((?:'(?:[^'\\]|\\.)*'(?:, )?)*)\)/g)) {
    const field = match[1] ?? '';
    const literals = [...(match[2] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((literal) =>
      (literal[1] ?? '').replace(/\\(.)/g, (_, char: string) => unescaped[char] ?? char),
    );
    out.set(field, [...(out.get(field) ?? []), ...literals]);
  }
  return out;
}

describe('packInClauses', () => {
  it('fits every query in the URL budget and names every value exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.emailAddress(), { maxLength: 600 }),
        fc.array(fc.stringMatching(/^[0-9]{1,12}$/), { maxLength: 900 }),
        fc.integer({ min: 800, max: 14_000 }),
        (emails, ids, budget) => {
          const conditions = [
            { field: 'Email', values: [...new Set(emails)] },
            { field: 'HubSpot_Id__c', values: [...new Set(ids)] },
          ];
          const clauses = packInClauses(conditions, around, budget);
          const seen = { Email: [] as string[], HubSpot_Id__c: [] as string[] };
          for (const clause of clauses) {
            expect(onTheWire(around(clause))).toBeLessThanOrEqual(budget);
            for (const [field, values] of valuesIn(clause)) seen[field as keyof typeof seen].push(...values);
          }
          expect(seen.Email).toEqual(conditions[0]?.values);
          expect(seen.HubSpot_Id__c).toEqual(conditions[1]?.values);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("counts a query as sent: the URL parser escapes every ' that encodeURIComponent leaves", () => {
    const soql = "SELECT Id FROM Lead WHERE Email IN ('o''x@a.io', 'b@c.io')";
    expect(wireLength(soql)).toBe(onTheWire(soql));
    expect(wireLength(soql)).toBe(encodeURIComponent(soql).length + 2 * 6);
  });

  it('puts hundreds of short values in one query where 300 used to be the fixed size', () => {
    const ids = Array.from({ length: 1_000 }, (_, index) => `003${String(index).padStart(12, '0')}AAA`);
    const clauses = packInClauses([{ field: 'Id', values: ids }], around);
    expect(clauses.length).toBeLessThanOrEqual(3);
    expect(valuesIn(clauses[0] ?? '').get('Id')?.length).toBeGreaterThan(400);
  });

  it('escapes quotes and backslashes in values', () => {
    const [clause] = packInClauses([{ field: 'Email', values: ["o'hara@example.com", 'a\\b@x.io'] }], around);
    expect(clause).toBe(`Email IN (${soqlString("o'hara@example.com")}, ${soqlString('a\\b@x.io')})`);
    expect(valuesIn(clause ?? '').get('Email')).toEqual(["o'hara@example.com", 'a\\b@x.io']);
  });

  it('gives a value too long for the budget a query of its own rather than dropping it', () => {
    const long = `${'x'.repeat(900)}@example.com`;
    const clauses = packInClauses([{ field: 'Email', values: ['a@x.io', long, 'b@x.io'] }], around, 800);
    expect(clauses.flatMap((clause) => valuesIn(clause).get('Email') ?? [])).toEqual([
      'a@x.io',
      long,
      'b@x.io',
    ]);
  });

  it('has no clause for no values', () => {
    expect(packInClauses([{ field: 'Email', values: [] }], around)).toEqual([]);
  });
});

describe('soqlString', () => {
  it.each([
    ['plain', "'plain'"],
    ["O'Brien", "'O\\'Brien'"],
    ['back\\slash', "'back\\\\slash'"],
    ['two\nlines', "'two\\nlines'"],
    ['tab\there\r\n', "'tab\\there\\r\\n'"],
    ['bell\b feed\f', "'bell\\b feed\\f'"],
    ['nul\u0000 vt\u000b esc\u001b del\u007f', "'nul vt esc del'"],
  ])('writes %j as a literal SOQL reads back', (value, literal) => {
    expect(soqlString(value)).toBe(literal);
    // No raw control character is left in the query text.
    // eslint-disable-next-line no-control-regex
    expect(soqlString(value)).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('round-trips any text through a SOQL lexer, control characters but the escapable ones left out', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const tokens = tokenize(`SELECT Id FROM Contact WHERE Title = ${soqlString(value)}`);
        const token = tokens.find((candidate) => candidate.kind === 'string');
        // eslint-disable-next-line no-control-regex
        const expected = value.replace(/[\u0000-\u0007\u000b\u000e-\u001f\u007f]/g, '');
        expect(token).toMatchObject({ kind: 'string', value: expected });
      }),
    );
  });

  it('packs "contains" values as LIKE patterns whose own % and _ are taken literally', () => {
    const clauses = packInClauses(
      [
        { field: 'Website', values: ['acme.com', '100%_off.com'], contains: true },
        { field: 'HubSpot_Id__c', values: ['901'] },
      ],
      around,
    );
    expect(clauses).toEqual([
      "HubSpot_Id__c IN ('901') OR Website LIKE '%acme.com%' OR Website LIKE '%100\\%\\_off.com%'",
    ]);
    const tokens = tokenize(`SELECT Id FROM Account WHERE ${clauses[0] ?? ''}`);
    expect(tokens.filter((token) => token.kind === 'string').map((token) => token.value)).toEqual([
      '901',
      '%acme.com%',
      '%100\\%\\_off.com%',
    ]);
  });

  it('starts a new query when LIKE patterns fill one', () => {
    const values = Array.from({ length: 400 }, (_, index) => `company-${index}.example.com`);
    const clauses = packInClauses([{ field: 'Website', values, contains: true }], around);
    expect(clauses.length).toBeGreaterThan(1);
    for (const clause of clauses) expect(onTheWire(around(clause))).toBeLessThanOrEqual(14_000);
    expect(clauses.join(' OR ').match(/LIKE/g)).toHaveLength(400);
  });
});
