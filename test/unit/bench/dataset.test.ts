import { planDataset, type HubspotContactSnapshot } from '../../bench/dataset';

function contacts(): HubspotContactSnapshot[] {
  return Array.from({ length: 40 }, (_, index) => ({
    id: String(1000 + index),
    properties: {
      email: index % 10 === 9 ? '' : `person${index}@acme${index % 3}.com`,
      firstname: `Person${index}`,
      lastname: index % 8 === 7 ? '' : `Last${index}`,
      company: index % 2 === 0 ? `Acme ${index % 3}` : '',
      jobtitle: 'CEO',
      hubspot_owner_id: index % 4 === 0 ? '11' : '',
      lifecyclestage: 'lead',
    },
  }));
}

const owners = new Map([
  ['11', 'owner@portal.example.com'],
  ['12', 'rep@portal.example.com'],
]);

describe('the benchmark dataset', () => {
  const dataset = planDataset({
    hubspotContacts: contacts(),
    hubspotOwners: owners,
    salesforceRecords: 30,
    randomSeed: 3,
  });

  it('makes half the Salesforce records the same people as HubSpot contacts, by email', () => {
    const shared = dataset.records.filter((record) => record.hubspotId !== null);
    expect(shared).toHaveLength(15);
    const byId = new Map(contacts().map((contact) => [contact.id, contact]));
    for (const record of shared) {
      const email = byId.get(record.hubspotId!)?.properties.email;
      expect(String(record.fields.Email).toLowerCase()).toBe(email);
    }
    expect(new Set(shared.map((record) => record.hubspotId)).size).toBe(15);
  });

  it('gives every record what Salesforce requires, and emails no one else has', () => {
    for (const record of dataset.records) {
      expect(record.fields.LastName).toBeTruthy();
      if (record.type === 'Lead') expect(record.fields.Company).toBeTruthy();
      expect([...owners.values()]).toContain(record.ownerEmail);
    }
    const emails = dataset.records.map((record) => String(record.fields.Email).toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('counts what the sync must do: matches, creates each way, and the contacts Salesforce cannot take', () => {
    const { expected } = dataset;
    expect(expected.hubspotContacts).toBe(40);
    expect(expected.salesforceContacts + expected.salesforceLeads).toBe(30);
    expect(expected.matched).toBe(15);
    expect(expected.salesforceOnly).toBe(15);
    expect(expected.hubspotOnlyCreatable + expected.hubspotOnlyBlocked).toBe(25);
    expect(expected.hubspotOnlyCreatableAs.Lead + expected.hubspotOnlyCreatableAs.Contact).toBe(
      expected.hubspotOnlyCreatable,
    );
    // Shared people are chosen among those with a blank last name first, so few are left blocked.
    const blankLastNames = contacts().filter((contact) => contact.properties.lastname === '');
    const blankAndNoEmail = blankLastNames.filter((contact) => contact.properties.email === '');
    expect(expected.hubspotOnlyBlocked).toBe(blankAndNoEmail.length);
  });

  it('is the same for the same seed', () => {
    const again = planDataset({
      hubspotContacts: contacts(),
      hubspotOwners: owners,
      salesforceRecords: 30,
      randomSeed: 3,
    });
    expect(again).toEqual(dataset);
  });
});
