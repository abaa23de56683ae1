import { evaluateDescribe, summarizeCapabilities } from '../../../src/connectors/salesforce/capabilities';
import { defaultSettings } from '../../../src/domain/settings/defaults';
import { deleteCheckboxOfCapabilities, salesforceDeleteMark } from '../../../src/settings/deleteMark';

const describeOf = (name: string, extra: { name: string; type: string; updateable: boolean }[]) => ({
  name,
  queryable: true,
  createable: true,
  updateable: true,
  fields: [
    ...['FirstName', 'LastName', 'Email', 'Phone', 'Title', 'Company', 'Status', 'OwnerId', 'AccountId'].map(
      (field) => ({ name: field, type: 'string', updateable: true, createable: true }),
    ),
    ...extra.map((field) => ({ ...field, createable: true })),
  ],
});

const checkbox = { name: 'HubSpot_Deleted__c', type: 'boolean', updateable: true };

function capabilities(lead: (typeof checkbox)[], contact: (typeof checkbox)[]) {
  return summarizeCapabilities(
    [
      evaluateDescribe('Lead', describeOf('Lead', lead)),
      evaluateDescribe('Contact', describeOf('Contact', contact)),
    ],
    1,
  );
}

describe('where a HubSpot delete is marked in Salesforce', () => {
  it('uses HubSpot_Deleted__c when the capability check found it editable on Leads and Contacts', () => {
    expect(deleteCheckboxOfCapabilities(capabilities([checkbox], [checkbox]))).toBe('HubSpot_Deleted__c');
    expect(deleteCheckboxOfCapabilities(capabilities([checkbox], []))).toBeNull();
    expect(
      deleteCheckboxOfCapabilities(capabilities([{ ...checkbox, updateable: false }], [checkbox])),
    ).toBeNull();
    expect(deleteCheckboxOfCapabilities(null)).toBeNull();
  });

  it('prefers what the latest describe says, and keeps the mark in the bridge when the settings turn it off', () => {
    const settings = defaultSettings();
    const found = capabilities([checkbox], [checkbox]);
    expect(salesforceDeleteMark(settings, { capabilities: found })).toEqual({
      markedIn: 'salesforce_field',
      field: 'HubSpot_Deleted__c',
    });
    // The field was removed since the check at connect: the describe read since says so.
    expect(
      salesforceDeleteMark(settings, { capabilities: found, describe: { Lead: [], Contact: [] } }),
    ).toEqual({
      markedIn: 'bridge',
      field: null,
    });
    const off = { ...settings, deletes: { ...settings.deletes, salesforceFlag: 'off' as const } };
    expect(salesforceDeleteMark(off, { capabilities: found })).toEqual({ markedIn: 'bridge', field: null });
  });
});
