import {
  evaluateDescribe,
  salesforceRequirements,
  summarizeCapabilities,
  type DescribeResult,
} from '../../../src/connectors/salesforce/capabilities';
import type { CheckedSalesforceObject } from '../../../src/domain/installationReports';

type Field = DescribeResult['fields'][number];

function describeOf(
  name: CheckedSalesforceObject,
  extra: Field[] = [],
  tweak: (field: Field) => Field = (f) => f,
): DescribeResult {
  const requirement = salesforceRequirements[name];
  const fields: Field[] = [
    ...requirement.updateable.map((field) => ({
      name: field,
      type: 'string',
      updateable: true,
      createable: true,
    })),
    ...requirement.readable.map((field) => ({
      name: field,
      type: 'string',
      updateable: false,
      createable: false,
    })),
    ...extra,
  ].map(tweak);
  return { name, queryable: true, createable: true, updateable: true, fields };
}

const hubspotId: Field = {
  name: 'HubSpot_Id__c',
  type: 'string',
  updateable: true,
  createable: true,
  externalId: true,
};
const deletedFlag: Field = {
  name: 'HubSpot_Deleted__c',
  type: 'boolean',
  updateable: true,
  createable: true,
};

describe('Salesforce capability check', () => {
  it('finds a complete object usable, with both optional fields', () => {
    const capability = evaluateDescribe('Contact', describeOf('Contact', [hubspotId, deletedFlag]));
    expect(capability).toEqual({
      name: 'Contact',
      accessible: true,
      createable: true,
      updateable: true,
      missingFields: [],
      readOnlyFields: [],
      hubspotIdField: { present: true, usable: true },
      deletedFlagField: { present: true, usable: true },
    });
  });

  it('records optional fields as absent without failing the check', () => {
    const objects = (['Lead', 'Contact', 'Account', 'Opportunity', 'User'] as const).map((name) =>
      evaluateDescribe(name, describeOf(name)),
    );
    const report = summarizeCapabilities(objects, 1);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(objects[0]?.hubspotIdField).toEqual({ present: false, usable: false });
    expect(objects[4]?.hubspotIdField).toBeNull();
  });

  it('flags missing and read-only fields by name', () => {
    const describe = describeOf('Lead', [], (field) =>
      field.name === 'Status' ? { ...field, updateable: false } : field,
    );
    describe.fields = describe.fields.filter((field) => field.name !== 'Company');
    const capability = evaluateDescribe('Lead', describe);
    expect(capability.missingFields).toEqual(['Company']);
    expect(capability.readOnlyFields).toEqual(['Status']);
    const report = summarizeCapabilities([capability], 1);
    expect(report.ok).toBe(false);
    expect(report.problems.join(' ')).toMatch(/Company/);
    expect(report.problems.join(' ')).toMatch(/read-only.*Status/);
  });

  it('explains why an optional field exists but cannot be used', () => {
    const capability = evaluateDescribe(
      'Account',
      describeOf('Account', [
        { ...hubspotId, externalId: false },
        { ...deletedFlag, type: 'string' },
      ]),
    );
    expect(capability.hubspotIdField).toMatchObject({ present: true, usable: false });
    expect(capability.hubspotIdField?.problem).toContain('External ID');
    expect(capability.deletedFlagField?.problem).toContain('checkbox');
  });

  it('reports an object the user cannot see', () => {
    const capability = evaluateDescribe('Opportunity', null);
    expect(capability.accessible).toBe(false);
    expect(summarizeCapabilities([capability], 1).problems[0]).toContain('cannot read Opportunity');
  });
});
