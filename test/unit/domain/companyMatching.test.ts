import type { MatchKeys } from '../../../src/domain/matching';
import { matchHubspotRecord, matchSalesforceRecord } from '../../../src/domain/matching';
import type { HubspotRecord, SalesforceRecord } from '../../../src/domain/records';
import { createDomainTransform, normalizeDomain } from '../../../src/domain/transforms/text';
import { salesforceRecord } from './factories';

const keys: MatchKeys = {
  crossIdProperty: 'salesforce_record_id',
  salesforceCrossIdField: { Account: 'HubSpot_Id__c' },
  emailProperty: null,
  salesforceEmailField: {},
  domainProperty: 'domain',
  salesforceDomainField: { Account: 'Website' },
};

const company = (id: string, properties: Record<string, string | null>): HubspotRecord => ({
  objectType: 'companies',
  id,
  properties: { name: null, domain: null, salesforce_record_id: null, ...properties },
  propertyTimestampsMs: {},
  updatedAtMs: 1_000,
  archived: false,
});
const account = (id: string, fields: Record<string, unknown>): SalesforceRecord =>
  salesforceRecord({ type: 'Account', id, fields });

describe('web domains', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['  https://www.Acme.com/about?x=1 ', 'acme.com'],
    ['http://shop.acme.co.uk:8080/', 'shop.acme.co.uk'],
    ['WWW.ACME.COM.', 'acme.com'],
    ['www2.acme.com', 'acme.com'],
    ['ftp://user@files.acme.com/pub', 'files.acme.com'],
    ['acme', null],
    ['not a domain', null],
    ['', null],
  ])('%j is the domain %j', (text, domain) => {
    expect(normalizeDomain(text)).toBe(domain);
  });

  it('compares a Website and a domain as the bare domain, and writes it back unchanged', () => {
    const transform = createDomainTransform();
    expect(transform.fromSalesforce('https://www.acme.com/')).toEqual({ ok: true, value: 'acme.com' });
    expect(transform.fromHubspot('acme.com')).toEqual({ ok: true, value: 'acme.com' });
    expect(transform.toSalesforce('acme.com')).toEqual({ ok: true, value: 'acme.com' });
    // What holds no domain is kept as it was typed.
    expect(transform.fromHubspot('see notes')).toEqual({ ok: true, value: 'see notes' });
  });
});

describe('matching companies and Accounts', () => {
  const acme = company('901', { name: 'Acme', domain: 'acme.com' });

  it('links a company to the one Account whose Website holds its domain', () => {
    const target = account('001000000000001AAA', { Website: 'https://www.acme.com/about' });
    const other = account('001000000000002AAA', { Website: 'acme.com.au' });
    expect(
      matchHubspotRecord({ hubspot: acme, candidates: [other, target], keys, emailPreference: ['Account'] }),
    ).toEqual({
      kind: 'link',
      basis: 'domain',
      target: { type: 'Account', id: target.id },
      record: target,
    });
  });

  it('waits for a person when two Accounts share the domain', () => {
    const one = account('001000000000001AAA', { Website: 'acme.com' });
    const two = account('001000000000002AAA', { Website: 'http://acme.com/emea' });
    expect(
      matchHubspotRecord({ hubspot: acme, candidates: [one, two], keys, emailPreference: ['Account'] }),
    ).toMatchObject({ kind: 'ambiguous', basis: 'domain' });
  });

  it('prefers the stored cross-id over the domain, and creates when nothing matches', () => {
    const stored = account('001000000000003AAA', { HubSpot_Id__c: '901', Website: 'other.com' });
    const byDomain = account('001000000000001AAA', { Website: 'acme.com' });
    expect(
      matchHubspotRecord({
        hubspot: acme,
        candidates: [byDomain, stored],
        keys,
        emailPreference: ['Account'],
      }),
    ).toMatchObject({ kind: 'link', basis: 'cross_id', target: { id: stored.id } });
    expect(
      matchHubspotRecord({
        hubspot: company('902', { domain: null }),
        candidates: [byDomain],
        keys,
        emailPreference: ['Account'],
      }),
    ).toEqual({ kind: 'create' });
  });

  it('links an Account to the company with its domain, never to one linked elsewhere', () => {
    const subject = account('001000000000001AAA', { Website: 'www.acme.com' });
    expect(matchSalesforceRecord({ salesforce: subject, candidates: [acme], keys })).toMatchObject({
      kind: 'link',
      basis: 'domain',
      target: { objectType: 'companies', id: '901' },
    });
    expect(
      matchSalesforceRecord({ salesforce: subject, candidates: [acme], keys, linkedHubspotIds: ['901'] }),
    ).toMatchObject({ kind: 'linked_elsewhere', basis: 'domain' });
  });
});
