import { callKind, difference, summarize } from '../../bench/calls';

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
});
