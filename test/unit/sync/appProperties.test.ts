import type { HubspotRecord } from '../../../src/domain/records';
import { appPropertyChanges } from '../../../src/sync/appProperties';

const context = {
  instanceUrl: 'https://acme.my.salesforce.com/',
  nowMs: 1_800_000_000_000,
  writingAnyway: false,
};
const state = {
  salesforce: { type: 'Lead' as const, id: '00Q000000000001AAA' },
  status: 'synced' as const,
  deletedAtMs: null,
};
const current = (properties: Record<string, string | null>): HubspotRecord => ({
  objectType: 'contacts',
  id: '1',
  properties,
  propertyTimestampsMs: {},
  updatedAtMs: 0,
  archived: false,
});
const settled = current({
  salesforce_record_id: '00Q000000000001AAA',
  salesforce_object_type: 'Lead',
  salesforce_record_url: 'https://acme.my.salesforce.com/lightning/r/Lead/00Q000000000001AAA/view',
  salesforce_sync_status: 'synced',
  salesforce_deleted_at: null,
});

describe('app properties', () => {
  it('writes nothing when they already say it (an echo costs no write)', () => {
    expect(appPropertyChanges(settled, state, context)).toEqual({});
  });

  it('moves "last synced" only along with another write', () => {
    expect(appPropertyChanges(settled, state, { ...context, writingAnyway: true })).toEqual({
      salesforce_last_synced_at: '1800000000000',
    });
  });

  it('sends what changed: a new link, a status, a delete flag and its clearing', () => {
    expect(appPropertyChanges(current({}), state, context)).toEqual({
      salesforce_record_id: '00Q000000000001AAA',
      salesforce_object_type: 'Lead',
      salesforce_record_url: 'https://acme.my.salesforce.com/lightning/r/Lead/00Q000000000001AAA/view',
      salesforce_sync_status: 'synced',
      salesforce_last_synced_at: '1800000000000',
    });
    expect(
      appPropertyChanges(settled, { ...state, status: 'deleted_in_salesforce', deletedAtMs: 5 }, context),
    ).toEqual({
      salesforce_sync_status: 'deleted_in_salesforce',
      salesforce_deleted_at: '5',
      salesforce_last_synced_at: '1800000000000',
    });
    const flagged = current({ ...settled.properties, salesforce_deleted_at: '2026-01-01T00:00:00.000Z' });
    expect(appPropertyChanges(flagged, state, context)).toEqual({
      salesforce_deleted_at: '',
      salesforce_last_synced_at: '1800000000000',
    });
  });
});
