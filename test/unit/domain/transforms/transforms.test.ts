import type { TransformSpec } from '../../../../src/domain/settings/schema';
import type { CanonicalValue, FieldTransform } from '../../../../src/domain/transforms/canonical';
import { displayStored } from '../../../../src/domain/transforms/canonical';
import { createTransform } from '../../../../src/domain/transforms/index';
import { indexOwners } from '../../../../src/domain/transforms/owner';

const owners = indexOwners({
  hubspotOwners: [
    { id: '101', email: 'Rep@Example.com' },
    { id: '102', email: 'boss@example.com' },
    { id: '103', email: 'gone@example.com', archived: true },
    { id: '104', email: 'only-hubspot@example.com' },
  ],
  salesforceUsers: [
    { id: '005000000000001AAA', email: 'rep@example.com', isActive: true },
    { id: '005000000000002AAA', email: 'BOSS@example.com', isActive: true },
    { id: '005000000000003AAA', email: 'gone@example.com', isActive: false },
  ],
});

const lifecycle: TransformSpec = {
  kind: 'picklist',
  passThrough: false,
  options: [
    { hubspot: ['lead', 'subscriber'], salesforce: ['Open - Not Contacted'] },
    { hubspot: ['salesqualifiedlead'], salesforce: ['Working - Contacted'] },
  ],
};

function transform(spec: TransformSpec): FieldTransform {
  return createTransform(spec, { phoneDefaultCountry: 'US', owners });
}

type Row = [
  description: string,
  spec: TransformSpec,
  side: 'hubspot' | 'salesforce',
  wire: unknown,
  canonical: CanonicalValue | { fails: string },
];

const rows: Row[] = [
  ['text trims', { kind: 'text' }, 'hubspot', '  Ana  ', 'Ana'],
  ['text: "" is blank', { kind: 'text' }, 'hubspot', '', null],
  ['text: whitespace is blank', { kind: 'text' }, 'salesforce', '   ', null],
  ['text: CRLF becomes LF', { kind: 'text' }, 'salesforce', 'a\r\nb', 'a\nb'],
  ['text: a number from Salesforce is text', { kind: 'text' }, 'salesforce', 42, '42'],
  ['email lowercased and trimmed', { kind: 'email' }, 'hubspot', ' Ana@ACME.com ', 'ana@acme.com'],
  ['phone: US national → E.164', { kind: 'phone' }, 'hubspot', '(415) 555-2671', '+14155552671'],
  ['phone: international kept', { kind: 'phone' }, 'salesforce', '+44 20 7946 0958', '+442079460958'],
  ['phone: extension kept', { kind: 'phone' }, 'hubspot', '+1 415 555 2671 ext. 12', '+14155552671 ext. 12'],
  ['phone: unparseable stays text', { kind: 'phone' }, 'hubspot', ' call me maybe ', 'call me maybe'],
  [
    'phone: a number that does not format stably stays as typed',
    { kind: 'phone' },
    'hubspot',
    '+49 000000',
    '+49 000000',
  ],
  ['phone: too short stays text', { kind: 'phone' }, 'salesforce', '555-1234', '555-1234'],
  ['number: text from HubSpot', { kind: 'number' }, 'hubspot', '17.50', 17.5],
  ['number: float noise removed', { kind: 'number' }, 'salesforce', 0.1 + 0.2, 0.3],
  ['number: decimal places', { kind: 'number', decimalPlaces: 2 }, 'hubspot', '1.005', 1.01],
  ['number: -0 is 0', { kind: 'number' }, 'salesforce', -0, 0],
  ['number: "" is blank', { kind: 'number' }, 'hubspot', '', null],
  ['number: not a number', { kind: 'number' }, 'hubspot', '1,000', { fails: 'invalid_value' }],
  ['boolean: "true"', { kind: 'boolean' }, 'hubspot', 'true', true],
  ['boolean: unset HubSpot checkbox is false', { kind: 'boolean' }, 'hubspot', null, false],
  ['boolean: Salesforce false', { kind: 'boolean' }, 'salesforce', false, false],
  ['boolean: garbage', { kind: 'boolean' }, 'hubspot', 'yes', { fails: 'invalid_value' }],
  ['date: HubSpot midnight ms', { kind: 'date' }, 'hubspot', '1572480000000', '2019-10-31'],
  [
    'date: HubSpot ms not at midnight → its UTC day',
    { kind: 'date' },
    'hubspot',
    String(Date.UTC(2019, 9, 31, 15)),
    '2019-10-31',
  ],
  ['date: HubSpot YYYY-MM-DD', { kind: 'date' }, 'hubspot', '2026-01-15', '2026-01-15'],
  ['date: Salesforce date', { kind: 'date' }, 'salesforce', '1990-05-17', '1990-05-17'],
  ['date: impossible day', { kind: 'date' }, 'salesforce', '2026-02-30', { fails: 'invalid_value' }],
  [
    'datetime: Salesforce +0000',
    { kind: 'datetime' },
    'salesforce',
    '2026-01-02T10:15:30.000+0000',
    Date.UTC(2026, 0, 2, 10, 15, 30),
  ],
  [
    'datetime: other offset',
    { kind: 'datetime' },
    'salesforce',
    '2026-01-02T12:15:30.000+02:00',
    Date.UTC(2026, 0, 2, 10, 15, 30),
  ],
  [
    'datetime: HubSpot ms truncated to the second',
    { kind: 'datetime' },
    'hubspot',
    String(Date.UTC(2026, 0, 2, 10, 15, 30, 678)),
    Date.UTC(2026, 0, 2, 10, 15, 30),
  ],
  [
    'datetime: HubSpot ISO',
    { kind: 'datetime' },
    'hubspot',
    '2025-01-02T03:04:05.678Z',
    Date.UTC(2025, 0, 2, 3, 4, 5),
  ],
  ['picklist: case-insensitive', { ...lifecycle }, 'hubspot', 'SUBSCRIBER', 'lead'],
  ['picklist: Salesforce value', { ...lifecycle }, 'salesforce', 'working - contacted', 'salesqualifiedlead'],
  ['picklist: no mapping', { ...lifecycle }, 'hubspot', 'evangelist', { fails: 'no_mapping' }],
  [
    'picklist: pass through',
    { ...lifecycle, passThrough: true } as TransformSpec,
    'hubspot',
    'evangelist',
    'evangelist',
  ],
  [
    'multiselect: sorted set',
    { kind: 'multiselect', options: [], passThrough: true },
    'hubspot',
    'b; a;;b',
    ['a', 'b'],
  ],
  [
    'multiselect: empty is blank',
    { kind: 'multiselect', options: [], passThrough: true },
    'salesforce',
    ' ; ',
    null,
  ],
  [
    'multiselect: mapped items',
    { kind: 'multiselect', options: [{ hubspot: ['x'], salesforce: ['X-Ray'] }], passThrough: false },
    'salesforce',
    'x-ray',
    ['x'],
  ],
  [
    'multiselect: unmapped item',
    { kind: 'multiselect', options: [{ hubspot: ['x'], salesforce: ['X-Ray'] }], passThrough: false },
    'salesforce',
    'X-Ray;Yankee',
    { fails: 'no_mapping' },
  ],
  ['owner: HubSpot id → email', { kind: 'owner' }, 'hubspot', '101', 'rep@example.com'],
  [
    'owner: Salesforce 15-char id → email',
    { kind: 'owner' },
    'salesforce',
    '005000000000002',
    'boss@example.com',
  ],
  ['owner: unknown id', { kind: 'owner' }, 'hubspot', '999', { fails: 'owner_not_found' }],
  [
    'owner: a queue is not a user',
    { kind: 'owner' },
    'salesforce',
    '00G000000000001AAA',
    { fails: 'owner_not_found' },
  ],
];

describe('transforms: wire → canonical', () => {
  it.each(rows)('%s', (_description, spec, side, wire, expected) => {
    const t = transform(spec);
    const result = side === 'hubspot' ? t.fromHubspot(wire as string | null) : t.fromSalesforce(wire);
    if (expected !== null && typeof expected === 'object' && 'fails' in expected) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(expected.fails);
    } else {
      expect(result).toEqual({ ok: true, value: expected });
    }
  });
});

type OutRow = [
  description: string,
  spec: TransformSpec,
  value: CanonicalValue,
  hubspot: string | { fails: string },
  salesforce: unknown,
];

const outRows: OutRow[] = [
  ['blank text clears with "" and null', { kind: 'text' }, null, '', null],
  ['number', { kind: 'number' }, 17.5, '17.5', 17.5],
  ['boolean', { kind: 'boolean' }, true, 'true', true],
  [
    'date: HubSpot midnight UTC ms, Salesforce YYYY-MM-DD',
    { kind: 'date' },
    '2019-10-31',
    '1572480000000',
    '2019-10-31',
  ],
  [
    'datetime: ms and ISO',
    { kind: 'datetime' },
    Date.UTC(2026, 0, 1),
    String(Date.UTC(2026, 0, 1)),
    '2026-01-01T00:00:00.000Z',
  ],
  ['picklist: first value of the group on each side', lifecycle, 'lead', 'lead', 'Open - Not Contacted'],
  [
    'multiselect joined with ;',
    { kind: 'multiselect', options: [{ hubspot: ['x'], salesforce: ['X-Ray'] }], passThrough: true },
    ['b', 'x'],
    'b;x',
    'b;X-Ray',
  ],
  ['owner by email', { kind: 'owner' }, 'rep@example.com', '101', '005000000000001AAA'],
  [
    'owner: archived HubSpot owner, inactive Salesforce user',
    { kind: 'owner' },
    'gone@example.com',
    { fails: 'owner_inactive' },
    { fails: 'owner_inactive' },
  ],
  [
    'owner: no Salesforce user',
    { kind: 'owner' },
    'only-hubspot@example.com',
    '104',
    { fails: 'owner_not_found' },
  ],
  ['owner: Salesforce never gets a blank owner', { kind: 'owner' }, null, '', { fails: 'invalid_value' }],
];

describe('transforms: canonical → wire', () => {
  it.each(outRows)('%s', (_description, spec, value, hubspot, salesforce) => {
    const t = transform(spec);
    const check = (result: ReturnType<FieldTransform['toSalesforce']>, expected: unknown) => {
      if (expected !== null && typeof expected === 'object' && 'fails' in expected) {
        expect(result).toMatchObject({ ok: false, error: { code: (expected as { fails: string }).fails } });
      } else {
        expect(result).toEqual({ ok: true, value: expected });
      }
    };
    check(t.toHubspot(value), hubspot);
    check(t.toSalesforce(value), salesforce);
  });
});

describe('stored values on the card', () => {
  it.each([
    ['a text', 'Head of Sales', 'Head of Sales'],
    ['a number', 42.5, '42.5'],
    ['a flag', false, 'false'],
    ['a list', ['a', 'b'], 'a; b'],
    ['a blank', null, '(blank)'],
    ['a value the mapping could not represent', { unrepresentable: 'Hot!', code: 'no_mapping' }, 'Hot!'],
    ['no value stored at all', undefined, null],
  ])('%s reads as %j', (_case, value, text) => {
    expect(displayStored(value)).toBe(text);
  });
});

describe("a text field's Salesforce placeholder for blank (a Lead's Company)", () => {
  const transform = createTransform(
    { kind: 'text', salesforceBlank: '[not provided]' },
    { phoneDefaultCountry: 'US', owners },
  );

  it('writes the placeholder for blank and reads it back as blank, in any case', () => {
    expect(transform.toSalesforce(null)).toEqual({ ok: true, value: '[not provided]' });
    expect(transform.fromSalesforce('[not provided]')).toEqual({ ok: true, value: null });
    expect(transform.fromSalesforce(' [Not Provided] ')).toEqual({ ok: true, value: null });
  });

  it('leaves every other value, and HubSpot, alone', () => {
    expect(transform.toSalesforce('Acme')).toEqual({ ok: true, value: 'Acme' });
    expect(transform.fromSalesforce('Acme')).toEqual({ ok: true, value: 'Acme' });
    expect(transform.toHubspot(null)).toEqual({ ok: true, value: '' });
    expect(transform.fromHubspot('[not provided]')).toEqual({ ok: true, value: '[not provided]' });
  });
});
