import { hubspotUserOfEvent, resolverActorOf, writeActorOf } from '../../../src/domain/actors';

const INTEGRATION_USER = '005000000000001AAA';
const REP = '005000000000002AAA';
const emails = new Map([[REP, 'rep@example.com']]);
const salesforceEmailOf = (id: string) => emails.get(id) ?? null;

describe('hubspotUserOfEvent', () => {
  it.each([
    [{ changeSource: 'CRM_UI', sourceId: 'userId:45678' }, '45678'],
    [{ changeSource: 'INTEGRATION', sourceId: '54321' }, null],
    [{ changeSource: 'IMPORT', sourceId: 'import:1' }, null],
    [{}, null],
  ])('%j → %s', (event, expected) => {
    expect(hubspotUserOfEvent(event)).toBe(expected);
  });
});

describe('writeActorOf', () => {
  const base = { integrationUserId: INTEGRATION_USER, salesforceEmailOf };
  it.each([
    [
      'a HubSpot user’s change written to Salesforce',
      { direction: 'to_salesforce', hubspotUserId: '45678', salesforceUserId: REP },
      { actor: 'hubspot-user:45678', actorUserId: '45678', actorEmail: null },
    ],
    [
      'a change the poll found (nobody named) written to Salesforce',
      { direction: 'to_salesforce', hubspotUserId: null, salesforceUserId: REP },
      { actor: 'bridge', actorUserId: null, actorEmail: null },
    ],
    [
      'a Salesforce user’s change written to HubSpot',
      { direction: 'to_hubspot', hubspotUserId: '45678', salesforceUserId: REP },
      { actor: `salesforce-user:${REP}`, actorUserId: REP, actorEmail: 'rep@example.com' },
    ],
    [
      'the bridge’s own integration user (15-character id) written to HubSpot',
      { direction: 'to_hubspot', hubspotUserId: null, salesforceUserId: INTEGRATION_USER.slice(0, 15) },
      { actor: 'bridge', actorUserId: null, actorEmail: null },
    ],
    [
      'a line that writes nothing',
      { direction: 'none', hubspotUserId: '45678', salesforceUserId: REP },
      { actor: 'bridge', actorUserId: null, actorEmail: null },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(writeActorOf({ ...base, ...input })).toEqual(expected);
  });
});

describe('resolverActorOf', () => {
  it.each([
    ['rep@example.com', { actor: 'hubspot-user', actorUserId: null, actorEmail: 'rep@example.com' }],
    ['HubSpot user 77', { actor: 'hubspot-user:77', actorUserId: '77', actorEmail: null }],
    ['a HubSpot user', { actor: 'bridge', actorUserId: null, actorEmail: null }],
  ])('%s', (resolvedBy, expected) => {
    expect(resolverActorOf(resolvedBy)).toEqual(expected);
  });
});
