import type { HubspotContactSnapshot, PlannedSalesforceRecord } from '../../bench/dataset';
import { crmExpectations, planAssociations, planCompanies } from '../../bench/dataset-crm';
import { normalizeDomain } from '../../../src/domain/transforms/text';

const contacts: HubspotContactSnapshot[] = Array.from({ length: 60 }, (_, index) => ({
  id: String(500 + index),
  properties: { email: `p${index}@example.com`, lastname: `L${index}`, company: '' },
}));
// Half the HubSpot people are on Salesforce too, as Contacts and Leads; ten more are Salesforce's alone.
const records: PlannedSalesforceRecord[] = [
  ...contacts.slice(0, 30).map((contact, index) => ({
    type: index % 2 === 0 ? ('Contact' as const) : ('Lead' as const),
    fields: {},
    ownerEmail: 'a@x.example',
    accountIndex: null,
    hubspotId: contact.id,
  })),
  ...Array.from({ length: 10 }, () => ({
    type: 'Contact' as const,
    fields: {},
    ownerEmail: 'a@x.example',
    accountIndex: 1,
    hubspotId: null,
  })),
];
const sizes = { companies: 40, deals: 12 };

function plan(randomSeed = 9) {
  const companies = planCompanies({
    hubspotContacts: contacts,
    ownerEmails: ['a@x.example'],
    sizes,
    randomSeed,
  });
  const associations = planAssociations({
    companies,
    records,
    hubspotOnlyContactIds: contacts.slice(30, 40).map((contact) => contact.id),
    ownerEmails: ['a@x.example'],
    sizes,
    randomSeed,
  });
  return { companies, associations };
}

describe('the companies, deals and associations of the benchmark', () => {
  const { companies, associations } = plan();

  it('splits the companies between the sides, half of each side the same company by domain', () => {
    const both = companies.companies.filter((company) => company.hubspot && company.salesforce);
    expect(companies.companies.filter((company) => company.hubspot)).toHaveLength(20);
    expect(companies.accountCompanyIndexes).toHaveLength(20);
    expect(both).toHaveLength(10);
    for (const company of both)
      expect(normalizeDomain(company.hubspot!.domain!)).toBe(
        normalizeDomain(String(company.salesforce!.Website)),
      );
    const domains = companies.companies.map((company) =>
      normalizeDomain(company.hubspot?.domain ?? String(company.salesforce!.Website)),
    );
    expect(new Set(domains).size).toBe(domains.length);
  });

  it("gives a shared person's Contact the Account of that person's company, never another one", () => {
    for (const record of associations.records) {
      if (record.hubspotId === null || record.accountIndex === null) continue;
      expect(record.type).toBe('Contact');
      const company = companies.contactCompany.get(record.hubspotId);
      if (company !== undefined) expect(companies.accountCompanyIndexes[record.accountIndex]).toBe(company);
    }
  });

  it('gives deals and Opportunities one to three distinct people who are Salesforce Contacts', () => {
    expect(associations.deals).toHaveLength(6);
    expect(associations.opportunities).toHaveLength(6);
    const contactPeople = new Set([
      ...records.flatMap((record) =>
        record.type === 'Contact' && record.hubspotId ? [record.hubspotId] : [],
      ),
      ...contacts.slice(30, 40).map((contact) => contact.id),
    ]);
    for (const deal of associations.deals) {
      expect(deal.hubspotContactIds.length).toBeGreaterThanOrEqual(1);
      expect(deal.hubspotContactIds.length).toBeLessThanOrEqual(3);
      expect(new Set(deal.hubspotContactIds).size).toBe(deal.hubspotContactIds.length);
      for (const id of deal.hubspotContactIds) expect(contactPeople.has(id)).toBe(true);
      if (deal.companyIndex !== null) expect(companies.companies[deal.companyIndex]!.hubspot).not.toBeNull();
    }
    for (const opportunity of associations.opportunities) {
      expect(opportunity.contactRecordIndexes.length).toBeGreaterThanOrEqual(1);
      for (const index of opportunity.contactRecordIndexes) expect(records[index]!.type).toBe('Contact');
    }
  });

  it('counts what the sync must write for the associations', () => {
    const expected = crmExpectations(
      { ...companies, deals: associations.deals, opportunities: associations.opportunities },
      associations.records,
    );
    expect(expected).toMatchObject({ hubspotCompanies: 20, salesforceAccounts: 20, matchedCompanies: 10 });
    // The ten Salesforce-only Contacts have an Account, so their HubSpot contacts gain a primary company.
    expect(expected.contactCompaniesToHubspot).toBeGreaterThanOrEqual(10);
    expect(expected.contactRolesToSalesforce).toBe(
      associations.deals.reduce((sum, deal) => sum + deal.hubspotContactIds.length, 0),
    );
  });

  it('is the same for the same seed', () => {
    const again = plan();
    expect(again.companies.companies).toEqual(companies.companies);
    expect(again.associations).toEqual(associations);
    expect(plan(10).companies.companies).not.toEqual(companies.companies);
  });
});
