import {
  callKind,
  callsByGroup,
  difference,
  hubspotGroup,
  salesforceGroup,
  summarize,
} from '../../bench/calls';

describe('API calls by kind', () => {
  it.each([
    ['POST /crm/v3/objects/contacts/search', 'read'],
    ['POST /crm/v3/objects/contacts/batch/read', 'read'],
    ['GET /crm/v3/objects/contacts/{objectId}', 'read'],
    ['GET /crm/v3/owners/', 'read'],
    ['POST /crm/v3/objects/contacts/batch/update', 'write'],
    ['POST /crm/v3/objects/contacts/batch/upsert', 'write'],
    ['POST /crm/v3/objects/contacts/batch/create', 'write'],
    ['PATCH /crm/v3/objects/contacts/{objectId}', 'write'],
    ['POST /crm/v3/objects/contacts', 'write'],
    ['POST /oauth/v1/token', 'auth'],
    ['POST /oauth/v3/token', 'auth'],
    ['POST /oauth/v3/token/introspect', 'auth'],
  ] as const)('HubSpot %s is a %s', (route, kind) => {
    expect(callKind('hubspot', route)).toBe(kind);
  });

  it.each([
    ['GET /services/data/vXX.X/query', 'read'],
    ['GET /services/data/vXX.X/query/:locator', 'read'],
    ['GET /services/data/vXX.X/sobjects/:sobject/describe', 'read'],
    ['POST /services/data/vXX.X/composite/sobjects/:sobject', 'read'],
    ['POST /services/data/vXX.X/composite/sobjects', 'write'],
    ['PATCH /services/data/vXX.X/composite/sobjects', 'write'],
    ['PATCH /services/data/vXX.X/composite/sobjects/:sobject/:field', 'write'],
    ['PATCH /services/data/vXX.X/sobjects/:sobject/:id', 'write'],
    ['PUT /services/data/vXX.X/jobs/ingest/:jobId/batches', 'write'],
    ['POST /services/oauth2/token', 'auth'],
    ['POST /sandbox/services/oauth2/token', 'auth'],
    ['GET /id/:orgId/:userId', 'auth'],
  ] as const)('Salesforce %s is a %s', (route, kind) => {
    expect(callKind('salesforce', route)).toBe(kind);
  });

  it('subtracts counters route by route and sums a side by kind', () => {
    const before = { 'POST /crm/v3/objects/contacts/search': 3, 'GET /crm/v3/owners/': 1 };
    const after = {
      'POST /crm/v3/objects/contacts/search': 8,
      'GET /crm/v3/owners/': 1,
      'POST /crm/v3/objects/contacts/batch/update': 2,
    };
    const used = difference(before, after);
    expect(used).toEqual({
      'POST /crm/v3/objects/contacts/search': 5,
      'POST /crm/v3/objects/contacts/batch/update': 2,
    });
    expect(summarize('hubspot', used)).toEqual({ total: 7, reads: 5, writes: 2, auth: 0, byRoute: used });
  });

  it.each([
    ['POST /crm/v3/objects/contacts/search', 'people'],
    ['POST /crm/v3/objects/companies/batch/create', 'companies'],
    ['POST /crm/v3/objects/deals/batch/update', 'deals'],
    ['POST /crm/v4/associations/contacts/companies/batch/read', 'associations'],
    ['POST /crm/v4/associations/deals/contacts/batch/associate/default', 'associations'],
    ['GET /crm/v3/owners/', 'other'],
    ['GET /crm/v3/properties/contacts', 'other'],
    ['POST /oauth/v1/token', 'other'],
  ] as const)('HubSpot %s belongs to %s', (route, group) => {
    expect(hubspotGroup(route)).toBe(group);
  });

  it.each([
    ['Contact', 'GET /services/data/vXX.X/query', 'people'],
    ['Contact+Lead', 'PATCH /services/data/vXX.X/composite/sobjects', 'people'],
    ['Account', 'PATCH /services/data/vXX.X/composite/sobjects/:sobject/:field', 'companies'],
    ['Opportunity', 'GET /services/data/vXX.X/query/:locator', 'deals'],
    ['OpportunityContactRole', 'POST /services/data/vXX.X/composite/sobjects', 'associations'],
    ['Contact', 'GET /services/data/vXX.X/sobjects/:sobject/describe', 'other'],
    ['User', 'GET /services/data/vXX.X/query', 'other'],
    ['Account+Contact', 'PATCH /services/data/vXX.X/composite/sobjects', 'other'],
    ['(none)', 'POST /services/oauth2/token', 'other'],
  ] as const)('a Salesforce call on %s (%s) belongs to %s', (object, route, group) => {
    expect(salesforceGroup(object, route)).toBe(group);
  });

  it('splits a difference by object group, every call in exactly one', () => {
    const groups = callsByGroup({
      hubspot: {
        'POST /crm/v3/objects/companies/search': 2,
        'POST /crm/v4/associations/deals/contacts/batch/read': 1,
      },
      salesforce: { 'GET /services/data/vXX.X/query': 4 },
      salesforceByObject: {
        Account: { 'GET /services/data/vXX.X/query': 3 },
        OpportunityContactRole: { 'GET /services/data/vXX.X/query': 1 },
      },
    });
    expect(groups.companies.hubspot).toMatchObject({ total: 2, reads: 2 });
    expect(groups.companies.salesforce).toMatchObject({ total: 3, reads: 3 });
    expect(groups.associations.hubspot.total + groups.associations.salesforce.total).toBe(2);
    expect(groups.people.hubspot.total + groups.deals.salesforce.total + groups.other.salesforce.total).toBe(
      0,
    );
  });
});
