import { callFloor, contactRoleIdsPerQuery } from '../../bench/floor';
import type { DatasetExpectations } from '../../bench/dataset';

const dataset = (overrides: Partial<DatasetExpectations> = {}): DatasetExpectations => ({
  hubspotContacts: 10_000,
  salesforceContacts: 4_947,
  salesforceLeads: 5_053,
  matched: 5_000,
  hubspotOnlyCreatable: 4_929,
  hubspotOnlyCreatableAs: { Lead: 1_800, Contact: 3_129 },
  hubspotOnlyBlocked: 71,
  salesforceOnly: 5_000,
  ...overrides,
});

describe('the API-call floor of an initial sync', () => {
  it('reads each side once, creates what the other lacks and writes each pre-existing record once', () => {
    const floor = callFloor(dataset());
    expect(floor.hubspot.terms.map((term) => [term.what, term.calls])).toEqual([
      ['search pages', 50],
      ['batch creates', 50],
      ['batch updates', 100], // 5,000 matched + 4,929 created in Salesforce carry the Salesforce id
    ]);
    expect(floor.hubspot.calls).toBe(200);
    expect(floor.salesforce.terms.map((term) => [term.what, term.calls])).toEqual([
      ['Contact query batches', 3],
      ['Lead query batches', 3],
      ['Contact upserts', 16],
      ['Lead upserts', 9],
      ['collection updates', 50],
    ]);
    expect(floor.salesforce.calls).toBe(81);
  });

  it('writes the sum out with the numbers of the dataset', () => {
    expect(callFloor(dataset()).hubspot.formula).toBe(
      '⌈10000/200⌉ search pages + ⌈5000/100⌉ batch creates + ⌈9929/100⌉ batch updates = 50 + 50 + 100 = 200',
    );
  });

  it('rounds every term up on its own and costs nothing for what is not there', () => {
    const floor = callFloor(
      dataset({
        hubspotContacts: 1,
        salesforceContacts: 0,
        salesforceLeads: 1,
        matched: 1,
        hubspotOnlyCreatable: 0,
        hubspotOnlyCreatableAs: { Lead: 0, Contact: 0 },
        hubspotOnlyBlocked: 0,
        salesforceOnly: 0,
      }),
    );
    expect(floor.hubspot.calls).toBe(1 + 0 + 1);
    expect(floor.salesforce.calls).toBe(0 + 1 + 0 + 0 + 1);
  });

  describe('with companies, deals and their associations', () => {
    const crm = {
      hubspotCompanies: 1_000,
      salesforceAccounts: 1_000,
      matchedCompanies: 500,
      hubspotOnlyCompanies: 500,
      salesforceOnlyAccounts: 500,
      hubspotDeals: 500,
      salesforceOpportunities: 500,
      hubspotContactsWithCompany: 6_000,
      contactCompaniesToHubspot: 2_050,
      dealCompaniesToHubspot: 450,
      dealContactsToHubspot: 1_000,
      contactRolesToSalesforce: 980,
    };

    it('adds each object type its own terms and keeps the people terms as they were', () => {
      const floor = callFloor(dataset({ crm }));
      expect(floor.byObject.people?.hubspot.calls).toBe(200);
      expect(floor.byObject.people?.salesforce.calls).toBe(81);
      expect(floor.byObject.companies?.hubspot.terms.map((term) => term.calls)).toEqual([5, 5, 10]);
      // Accounts and Opportunities are read 200 a batch: their Description is long text.
      expect(floor.byObject.companies?.salesforce.terms.map((term) => term.calls)).toEqual([5, 3, 5]);
      expect(floor.byObject.deals?.hubspot.terms.map((term) => term.calls)).toEqual([3, 5, 5]);
      expect(floor.byObject.deals?.salesforce.terms.map((term) => term.calls)).toEqual([3, 3, 3]);
      // v4 reads of 1,000 (contacts' companies, deals' companies, deals' contacts); writes of 100.
      expect(floor.byObject.associations?.hubspot.terms.map((term) => term.calls)).toEqual([
        10, 1, 1, 21, 5, 10,
      ]);
      expect(floor.byObject.associations?.salesforce.terms.map((term) => [term.what, term.calls])).toEqual([
        ['contact-role queries', Math.ceil(500 / contactRoleIdsPerQuery())],
        ['contact-role creates', 5],
      ]);
      const groups = Object.values(floor.byObject);
      expect(groups.reduce((sum, group) => sum + group.hubspot.calls, 0)).toBe(floor.hubspot.calls);
      expect(groups.reduce((sum, group) => sum + group.salesforce.calls, 0)).toBe(floor.salesforce.calls);
    });

    it("packs as many Opportunity ids in a contact-role query as the connector's URL budget allows", () => {
      expect(contactRoleIdsPerQuery()).toBeGreaterThan(300);
      expect(contactRoleIdsPerQuery()).toBeLessThan(2_000);
    });

    it('has people alone when the data has no companies or deals', () => {
      expect(Object.keys(callFloor(dataset()).byObject)).toEqual(['people']);
    });
  });
});
