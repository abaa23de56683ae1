import { PayloadSchema } from '../../../src/db/dirty';
import type { HubspotRecord, SalesforceRecord } from '../../../src/domain/records';
import { readDirtyPayload, toDirtyPayload } from '../../../src/queue/payload';

const hubspot: HubspotRecord = {
  objectType: 'contacts',
  id: '1201',
  properties: { email: 'ana@acme.com', firstname: null },
  propertyTimestampsMs: { email: 1_700_000_000_000 },
  updatedAtMs: 1_700_000_000_000,
  archived: false,
};

const salesforce: SalesforceRecord = {
  type: 'Lead',
  id: '00Q000000000001AAA',
  fields: { Email: 'ana@acme.com', LastName: 'Ng', NumberOfEmployees: 12, HasOptedOutOfEmail: false },
  lastModifiedAtMs: 1_700_000_000_000,
  systemModstampMs: 1_700_000_000_000,
  lastModifiedById: '005000000000001AAA',
  isDeleted: false,
  masterRecordId: null,
  conversion: null,
};

const hubspotRef = { side: 'hubspot', objectType: 'contacts', recordId: '1201' } as const;
const leadRef = { side: 'salesforce', objectType: 'Lead', recordId: '00Q000000000001AAA' } as const;

describe('dirty payload', () => {
  it('carries a HubSpot record through the dirty table schema and back', () => {
    const stored = toDirtyPayload({ record: hubspot });
    expect(PayloadSchema.safeParse(stored).success).toBe(true);
    expect(readDirtyPayload({ record: hubspotRef, payload: stored })).toEqual({
      hubspot,
      salesforce: null,
      hint: null,
      event: {},
    });
  });

  it('carries a Salesforce record, and matches its id by the first 15 characters', () => {
    const stored = toDirtyPayload({ record: salesforce });
    const read = readDirtyPayload({
      record: { ...leadRef, recordId: '00Q000000000001AAA' },
      payload: stored,
    });
    expect(read.salesforce).toEqual(salesforce);
    expect(read.hubspot).toBeNull();
  });

  it('carries a hint with event details without a record', () => {
    const stored = toDirtyPayload({ hint: 'merged', event: { survivorId: '1300', mergedIds: ['1201'] } });
    expect(readDirtyPayload({ record: hubspotRef, payload: stored })).toEqual({
      hubspot: null,
      salesforce: null,
      hint: 'merged',
      event: { survivorId: '1300', mergedIds: ['1201'] },
    });
  });

  it('ignores a record about another record, keeping the hint', () => {
    const stored = toDirtyPayload({ record: { ...hubspot, id: '999' }, hint: 'restored' });
    const read = readDirtyPayload({ record: hubspotRef, payload: stored });
    expect(read.hubspot).toBeNull();
    expect(read.hint).toBe('restored');
  });

  it('reads a malformed payload as nothing carried', () => {
    expect(readDirtyPayload({ record: hubspotRef, payload: { record: { id: 5 } } }).hubspot).toBeNull();
    expect(readDirtyPayload({ record: hubspotRef, payload: null }).hint).toBeNull();
  });

  it('refuses to store a payload that does not parse', () => {
    expect(() => toDirtyPayload({ hint: 'exploded' as never })).toThrow();
  });
});
