import { fieldsRefused, readableAs, refusedInRecord } from '../../../src/domain/refusedFields';
import type { SalesforceFieldDescribe } from '../../../src/domain/settings/metadata';

function field(name: string, type: string): SalesforceFieldDescribe {
  return {
    name,
    label: name,
    type,
    createable: true,
    updateable: true,
    nillable: true,
    defaultedOnCreate: false,
    calculated: false,
    externalId: false,
    restrictedPicklist: false,
    length: 0,
    scale: 0,
    referenceTo: [],
    picklistValues: [],
  };
}

const leadFields = [
  field('LastName', 'string'),
  field('NumberOfEmployees', 'int'),
  field('AnnualRevenue', 'currency'),
  field('HasOptedOutOfEmail', 'boolean'),
  field('Birthdate', 'date'),
  field('LastSeen__c', 'datetime'),
];
const unknownColumn = {
  code: 'INVALID_FIELD' as const,
  message: "No such column 'Region__c' on sobject of type Lead",
};
const unreadable = {
  code: 'JSON_PARSER_ERROR' as const,
  message:
    'Cannot deserialize instance of int from VALUE_STRING value lots or request may be missing a required field',
};

describe('readableAs', () => {
  it.each([
    ['int', '250', true],
    ['int', 250, true],
    ['int', 'about fifty', false],
    ['int', true, false],
    ['currency', '1e3', true],
    ['boolean', true, true],
    ['boolean', 'yes', false],
    ['date', '2026-02-28', true],
    ['date', '2026-02-30', false],
    ['date', '28/02/2026', false],
    ['datetime', '2026-02-28T10:00:00Z', true],
    ['datetime', 'yesterday', false],
    ['string', 12, true],
    ['int', null, true],
  ] as const)('%s ← %p: %p', (type, value, readable) => {
    expect(readableAs(type, value)).toBe(readable);
  });
});

describe('fieldsRefused', () => {
  it('takes the column Salesforce named, as the records spelled it', () => {
    expect(
      fieldsRefused(unknownColumn, [{ LastName: 'A' }, { LastName: 'B', region__c: 'EU' }], leadFields),
    ).toEqual(['region__c']);
  });

  it('else the fields the fresh describe does not list (a field hidden from the connected user)', () => {
    const refusal = { code: 'INVALID_FIELD' as const, message: 'invalid field' };
    expect(fieldsRefused(refusal, [{ LastName: 'A', Hidden__c: 1 }], leadFields)).toEqual(['Hidden__c']);
  });

  it('for a value it could not read, the fields whose values do not fit their type', () => {
    expect(
      fieldsRefused(
        unreadable,
        [
          { LastName: 'A', NumberOfEmployees: '250', Birthdate: '2026-01-01' },
          { LastName: 'B', NumberOfEmployees: 'lots', Birthdate: '2026-01-01' },
        ],
        leadFields,
      ),
    ).toEqual(['NumberOfEmployees']);
  });

  it('finds nothing when nothing sent explains the refusal', () => {
    expect(fieldsRefused(unreadable, [{ LastName: 'A', NumberOfEmployees: 3 }], leadFields)).toEqual([]);
    expect(fieldsRefused(unreadable, [{ LastName: 'A' }], undefined)).toEqual([]);
  });
});

describe('refusedInRecord', () => {
  it('fails an unknown column on every record carrying it', () => {
    expect(
      refusedInRecord(unknownColumn, ['Region__c'], { LastName: 'A', Region__c: null }, leadFields),
    ).toEqual(['Region__c']);
    expect(refusedInRecord(unknownColumn, ['Region__c'], { LastName: 'A' }, leadFields)).toEqual([]);
  });

  it('fails an unreadable value only on the records whose value does not fit', () => {
    expect(
      refusedInRecord(unreadable, ['NumberOfEmployees'], { NumberOfEmployees: '250' }, leadFields),
    ).toEqual([]);
    expect(
      refusedInRecord(unreadable, ['NumberOfEmployees'], { NumberOfEmployees: 'lots' }, leadFields),
    ).toEqual(['NumberOfEmployees']);
  });
});
