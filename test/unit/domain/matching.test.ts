import type { MatchKeys } from '../../../src/domain/matching';
import { matchHubspotRecord, matchSalesforceRecord } from '../../../src/domain/matching';
import type { SalesforceRecord } from '../../../src/domain/records';
import { hubspotContact, salesforceRecord } from './factories';

const keys: MatchKeys = {
  crossIdProperty: 'salesforce_record_id',
  salesforceCrossIdField: { Lead: 'HubSpot_Id__c', Contact: 'HubSpot_Id__c' },
  emailProperty: 'email',
  salesforceEmailField: { Lead: 'Email', Contact: 'Email' },
};

const lead = (id: string, fields: Record<string, unknown> = {}, extra: Partial<SalesforceRecord> = {}) =>
  salesforceRecord({ type: 'Lead', id, fields, ...extra });
const contact = (id: string, fields: Record<string, unknown> = {}, extra: Partial<SalesforceRecord> = {}) =>
  salesforceRecord({ type: 'Contact', id, fields, ...extra });

const ana = hubspotContact({ id: '512', properties: { email: ' Ana@Acme.com' } });
const matchAna = (candidates: SalesforceRecord[], linkedSalesforceIds: string[] = [], hubspot = ana) =>
  matchHubspotRecord({
    hubspot,
    candidates,
    keys,
    emailPreference: ['Contact', 'Lead'],
    linkedSalesforceIds,
  });

describe('matching a HubSpot contact to Salesforce', () => {
  it('prefers the stored cross-id over email', () => {
    const stored = lead('00Q000000000009AAA');
    const result = matchAna(
      [contact('003000000000001AAA', { Email: 'ana@acme.com' }), stored],
      [],
      hubspotContact({
        id: '512',
        properties: { email: 'ana@acme.com', salesforce_record_id: '00Q000000000009' },
      }),
    );
    expect(result).toEqual({
      kind: 'link',
      basis: 'cross_id',
      target: { type: 'Lead', id: '00Q000000000009AAA' },
      record: stored,
    });
  });

  it('finds the HubSpot id in a Salesforce external-id field', () => {
    const tagged = contact('003000000000002AAA', { HubSpot_Id__c: '512' });
    expect(matchAna([tagged])).toMatchObject({
      kind: 'link',
      basis: 'cross_id',
      target: { type: 'Contact', id: tagged.id },
    });
  });

  it('follows a converted Lead to its Contact', () => {
    const converted = lead(
      '00Q000000000003AAA',
      { HubSpot_Id__c: '512' },
      {
        conversion: {
          convertedContactId: '003000000000007AAA',
          convertedAccountId: null,
          convertedOpportunityId: null,
          convertedDate: '2026-01-15',
        },
      },
    );
    const becameContact = contact('003000000000007AAA', { HubSpot_Id__c: '512' });
    expect(matchAna([converted, becameContact])).toEqual({
      kind: 'link',
      basis: 'cross_id',
      target: { type: 'Contact', id: becameContact.id },
      record: becameContact,
    });
    expect(matchAna([converted])).toEqual({
      kind: 'link',
      basis: 'cross_id',
      target: { type: 'Contact', id: '003000000000007AAA' },
      record: null,
    });
  });

  it('never guesses between two cross-id matches', () => {
    const result = matchAna([
      lead('00Q000000000001AAA', { HubSpot_Id__c: '512' }),
      contact('003000000000001AAA', { HubSpot_Id__c: '512' }),
    ]);
    expect(result).toEqual({
      kind: 'ambiguous',
      basis: 'cross_id',
      candidates: [
        { type: 'Lead', id: '00Q000000000001AAA' },
        { type: 'Contact', id: '003000000000001AAA' },
      ],
    });
  });

  it('takes a Contact with the email before a Lead with it', () => {
    const theContact = contact('003000000000001AAA', { Email: 'ANA@acme.com ' });
    expect(matchAna([lead('00Q000000000001AAA', { Email: 'ana@acme.com' }), theContact])).toMatchObject({
      kind: 'link',
      basis: 'email',
      target: { type: 'Contact', id: theContact.id },
    });
  });

  it('takes an unconverted Lead when no Contact has the email', () => {
    const open = lead('00Q000000000002AAA', { Email: 'ana@acme.com' });
    const converted = lead(
      '00Q000000000001AAA',
      { Email: 'ana@acme.com' },
      {
        conversion: {
          convertedContactId: '003000000000009AAA',
          convertedAccountId: null,
          convertedOpportunityId: null,
          convertedDate: null,
        },
      },
    );
    const deleted = contact('003000000000001AAA', { Email: 'ana@acme.com' }, { isDeleted: true });
    expect(matchAna([converted, deleted, open])).toMatchObject({
      kind: 'link',
      basis: 'email',
      target: { type: 'Lead', id: open.id },
    });
  });

  it('waits for a person when two Contacts share the email, listing both', () => {
    const result = matchAna([
      contact('003000000000001AAA', { Email: 'ana@acme.com' }),
      contact('003000000000002AAA', { Email: 'ana@acme.com' }),
      lead('00Q000000000001AAA', { Email: 'ana@acme.com' }),
    ]);
    expect(result).toEqual({
      kind: 'ambiguous',
      basis: 'email',
      candidates: [
        { type: 'Contact', id: '003000000000001AAA' },
        { type: 'Contact', id: '003000000000002AAA' },
      ],
    });
  });

  it('does not take over a record linked to someone else', () => {
    expect(matchAna([contact('003000000000001AAA', { Email: 'ana@acme.com' })], ['003000000000001'])).toEqual(
      {
        kind: 'linked_elsewhere',
        basis: 'email',
        candidate: { type: 'Contact', id: '003000000000001AAA' },
      },
    );
  });

  it('creates when nothing matches or there is no email', () => {
    expect(matchAna([contact('003000000000001AAA', { Email: 'bob@acme.com' })])).toEqual({ kind: 'create' });
    expect(matchAna([], [], hubspotContact({ properties: { email: null } }))).toEqual({ kind: 'create' });
  });
});

describe('matching a Salesforce record to HubSpot', () => {
  const theLead = lead('00Q000000000001AAA', { Email: 'Ana@acme.com', HubSpot_Id__c: null });
  const match = (candidates = [ana], record = theLead, linkedHubspotIds: string[] = []) =>
    matchSalesforceRecord({ salesforce: record, candidates, keys, linkedHubspotIds });

  it('uses the Salesforce id stored in HubSpot', () => {
    const stored = hubspotContact({
      id: '600',
      properties: { salesforce_record_id: theLead.id, email: 'other@acme.com' },
    });
    expect(match([ana, stored])).toMatchObject({
      kind: 'link',
      basis: 'cross_id',
      target: { objectType: 'contacts', id: '600' },
    });
  });

  it('uses the HubSpot id stored in Salesforce', () => {
    expect(
      match([ana, hubspotContact({ id: '700' })], lead('00Q000000000001AAA', { HubSpot_Id__c: '700' })),
    ).toMatchObject({ kind: 'link', basis: 'cross_id', target: { id: '700' } });
  });

  it('then the email, ignoring archived contacts', () => {
    const archived = hubspotContact({ id: '513', archived: true, properties: { email: 'ana@acme.com' } });
    expect(match([archived, ana])).toMatchObject({
      kind: 'link',
      basis: 'email',
      target: { id: '512' },
      record: ana,
    });
  });

  it('waits for a person on two email matches', () => {
    expect(match([ana, hubspotContact({ id: '513', properties: { email: 'ANA@acme.com' } })])).toMatchObject({
      kind: 'ambiguous',
      basis: 'email',
    });
  });

  it('creates when nothing matches', () => {
    expect(match([hubspotContact({ id: '513', properties: { email: 'bob@acme.com' } })])).toEqual({
      kind: 'create',
    });
  });

  it('does not take over a linked contact', () => {
    expect(match([ana], theLead, ['512'])).toMatchObject({
      kind: 'linked_elsewhere',
      candidate: { id: '512' },
    });
  });
});
