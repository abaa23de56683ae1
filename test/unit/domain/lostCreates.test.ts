import { holdsWhatWasSent, mayStillLand, SALESFORCE_CALL_LIMIT_MS } from '../../../src/domain/lostCreates';
import { matchHubspotRecord, type MatchKeys } from '../../../src/domain/matching';
import { hubspotContact, salesforceRecord } from './factories';

const keys: MatchKeys = {
  crossIdProperty: 'salesforce_record_id',
  salesforceCrossIdField: { Lead: null, Contact: null },
  emailProperty: 'email',
  salesforceEmailField: { Lead: 'Email', Contact: 'Email' },
};

describe('a create whose answer was lost', () => {
  it('may still land until its call is seen to end or Salesforce would have ended it', () => {
    const sentAt = 1_000_000;
    expect(mayStillLand({ fields: {}, sentAt, endedAt: null }, sentAt + 1)).toBe(true);
    expect(mayStillLand({ fields: {}, sentAt, endedAt: sentAt + 5 }, sentAt + 6)).toBe(false);
    expect(mayStillLand({ fields: {}, sentAt, endedAt: null }, sentAt + SALESFORCE_CALL_LIMIT_MS)).toBe(
      false,
    );
  });

  it('is recognized by every non-empty value it sent, whatever Salesforce does to datetimes', () => {
    const lead = salesforceRecord({
      type: 'Lead',
      id: '00Q000000000001AAA',
      fields: {
        LastName: 'Ito',
        Company: 'Acme',
        NumberOfEmployees: 12,
        Seen__c: '2026-12-07T09:00:00.000+0000',
      },
    });
    expect(
      holdsWhatWasSent(lead, {
        LastName: 'Ito',
        Company: 'Acme ',
        NumberOfEmployees: 12,
        Seen__c: '2026-12-07T09:00:00.000Z',
        Title: null,
        NotRead__c: 'x',
      }),
    ).toBe(true);
    expect(holdsWhatWasSent(lead, { LastName: 'Ito', Company: 'Other' })).toBe(false);
    // Nothing compared is nothing recognized.
    expect(holdsWhatWasSent(lead, { NotRead__c: 'x', Title: '' })).toBe(false);
  });

  it('links a record without email to what its lost create made, after cross-id and email', () => {
    const hubspot = hubspotContact({ id: '77', properties: { lastname: 'Ito' } });
    const made = salesforceRecord({ type: 'Lead', id: '00Q000000000002AAA', fields: { LastName: 'Ito' } });
    const match = (
      createdByBridge: ReturnType<typeof salesforceRecord>[],
      linkedSalesforceIds: string[] = [],
    ) =>
      matchHubspotRecord({
        hubspot,
        candidates: [],
        keys,
        emailPreference: ['Contact', 'Lead'],
        linkedSalesforceIds,
        createdByBridge,
      });
    expect(match([made])).toEqual({
      kind: 'link',
      basis: 'created_by_bridge',
      target: { type: 'Lead', id: made.id },
      record: made,
    });
    expect(match([])).toEqual({ kind: 'create' });
    const twin = salesforceRecord({ type: 'Lead', id: '00Q000000000003AAA', fields: { LastName: 'Ito' } });
    expect(match([made, twin])).toMatchObject({ kind: 'ambiguous', basis: 'created_by_bridge' });
    expect(match([made], [made.id])).toMatchObject({ kind: 'linked_elsewhere' });
    const deleted = salesforceRecord({ ...made, isDeleted: true });
    expect(match([deleted])).toEqual({ kind: 'create' });
  });

  it('never takes what a lost create made over an email match', () => {
    const hubspot = hubspotContact({ id: '78', properties: { lastname: 'Ito', email: 'ito@acme.com' } });
    const byEmail = salesforceRecord({
      type: 'Contact',
      id: '003000000000004AAA',
      fields: { Email: 'ito@acme.com' },
    });
    const made = salesforceRecord({ type: 'Lead', id: '00Q000000000005AAA', fields: { LastName: 'Ito' } });
    expect(
      matchHubspotRecord({
        hubspot,
        candidates: [byEmail],
        keys,
        emailPreference: ['Contact', 'Lead'],
        createdByBridge: [made],
      }),
    ).toMatchObject({ kind: 'link', basis: 'email', target: { id: byEmail.id } });
  });
});
