import { callFloor } from '../../bench/floor';
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
});
